"""A proposal previewed through the listings API (``PUT /listings/{seller}/{sku}?mode=preview`` with the seller's own
key): the API asks each owner's ``POST /preview`` in pipeline order; nothing is recorded or emitted."""

from __future__ import annotations

import urllib.parse
from typing import Any

import asyncpg
from asinflow_apikeys import store
from asinflow_listings_api.bootstrap import ApiRuntime

from tests.support.http import call

_keys: dict[str, str] = {}


async def seller_key(pool: asyncpg.Pool, seller_id: str) -> str:
    """A seller key for ``seller_id`` (one per seller and test session)."""
    if seller_id not in _keys:
        async with pool.acquire() as conn:
            _keys[seller_id] = (await store.create(conn, "seller", seller_id, label="previews")).token
    return _keys[seller_id]


def _path(data: dict[str, Any]) -> str:
    seller_id, sku = (urllib.parse.quote(data[k], safe="") for k in ("seller_id", "sku"))
    return f"/listings/{seller_id}/{sku}"


async def submit(api: ApiRuntime, pool: asyncpg.Pool, data: dict[str, Any]) -> str:
    """``PUT`` the proposal with the seller's key; its proposal id (202)."""
    body = {k: v for k, v in data.items() if k not in ("seller_id", "sku")}
    headers = {"Authorization": f"Bearer {await seller_key(pool, data['seller_id'])}"}
    status, answer = await call("PUT", f"{api.url}{_path(data)}", body, headers)
    assert status == 202, (status, answer)
    return str(answer["proposal_id"])


async def preview_pipeline(api: ApiRuntime, pool: asyncpg.Pool, data: dict[str, Any]) -> dict[str, Any]:
    """``{"state", "codes", "asin", "steps", "answer"}``: the state the pipeline would leave the proposal in
    (rejected, throttled, active, inactive, suppressed, waiting_for_parent), the codes of every issue it would
    carry, the ASIN, every owner's answer by service name, and the API's whole answer."""
    body = {k: v for k, v in data.items() if k not in ("seller_id", "sku")}
    headers = {"Authorization": f"Bearer {await seller_key(pool, data['seller_id'])}"}
    status, answer = await call("PUT", f"{api.url}{_path(data)}?mode=preview", body, headers)
    assert status == 200, (status, answer)
    return {
        "state": answer["outcome"],
        "codes": [i["code"] for i in answer["issues"]],
        "asin": answer["asin"],
        "steps": {stage["service"]: stage["answer"] for stage in answer["stages"]},
        "answer": answer,
    }
