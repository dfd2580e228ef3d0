"""The listings API over real HTTP against the embedded stack and the services: keys from `asinflow api-key create`,
a proposal submitted with PUT and followed to active with GET, a search by state, a preview, a deletion request,
and another seller's key refused on every route of the OpenAPI document without learning anything."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
import uuid
from typing import Any

import asyncpg
import pytest
from asinflow_apikeys import store
from asinflow_cli.main import cli
from asinflow_listings_api.bootstrap import ApiRuntime
from asinflow_runtime.settings import InfraSettings
from click.testing import CliRunner

from tests.support.api import aimed_at
from tests.support.http import call
from tests.support.listings import gtin, seller

pytestmark = pytest.mark.integration


def body(seller_id: str, n: int = 0, batch_id: str = "") -> dict[str, Any]:
    """A new product of the seller's own (its own GTIN, brand and model): it is created and goes active."""
    return {
        "title": f"Corvane Studio Monitor Headphones {seller_id} mark {n}",
        "brand": f"Corvane {seller_id}",
        "product_type": "HEADPHONES",
        "model_number": f"CV-{seller_id}-{n}",
        "identifiers": [{"type": "EAN", "value": gtin(seller_id, n)}],
        "batch_id": batch_id or f"api-{seller_id}",
        "quantity": 3,
    }


async def cli_key(infra: InfraSettings, *args: str) -> str:
    """`asinflow api-key create …` as a user runs it; the key it prints."""
    env = {k: v for k, v in infra.as_env().items()}
    done = await asyncio.to_thread(CliRunner().invoke, cli, ["api-key", "create", *args], env=env)
    assert done.exit_code == 0, done.output
    return done.stdout.strip().splitlines()[-1]


async def until(answer: Any, ok: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        status, found = await answer()
        if ok(status, found) or time.monotonic() > deadline:
            return status, found
        await asyncio.sleep(0.3)


async def test_a_seller_submits_over_http_follows_to_active_and_no_other_seller_sees_it(
    api: ApiRuntime, infra: InfraSettings, pool: asyncpg.Pool
) -> None:
    mine, theirs = seller(), seller()
    feed = f"feed-{uuid.uuid4().hex[:10]}"
    key = await cli_key(infra, "--seller", mine)
    async with pool.acquire() as conn:
        other = (await store.create(conn, "seller", theirs)).token
        operator = (await store.create(conn, "operator", None)).token
    as_me = {"Authorization": f"Bearer {key}"}

    async def get(path: str, headers: dict[str, str] = as_me, **query: str) -> tuple[int, Any]:
        q = f"?{urllib.parse.urlencode(query)}" if query else ""
        return await call("GET", f"{api.url}{path}{q}", headers=headers)

    # preview: every owner asked, nothing published
    status, preview = await call("PUT", f"{api.url}/listings/{mine}/SKU-1?mode=preview", body(mine, 0, feed), as_me)
    assert status == 200, preview
    assert preview["stages"][0]["service"] == "identifier-validation"
    assert (preview["result"], preview["outcome"]) == ("VALID", "active"), preview
    assert (await get(f"/listings/{mine}/SKU-1"))[0] == 404

    # submit, then follow it to active
    status, accepted = await call("PUT", f"{api.url}/listings/{mine}/SKU-1", body(mine, 0, feed), as_me)
    assert status == 202, accepted
    assert accepted["proposal_id"] == preview["proposal_id"]
    status, listing = await until(
        lambda: get(f"/listings/{mine}/SKU-1"), lambda s, b: s == 200 and b["state"] in ("active", "rejected")
    )
    assert (status, listing["state"]) == (200, "active"), listing
    assert listing["status"] == ["BUYABLE", "DISCOVERABLE"]
    assert listing["proposal_id"] == accepted["proposal_id"] and listing["asin"] == preview["asin"]

    # search by state: the seller's own listings, `seller` given or not
    for query in ({"seller": mine, "state": "active"}, {"state": "active"}):
        status, page = await get("/listings", **query)
        assert status == 200, page
        assert {(i["seller_id"], i["sku"]) for i in page["items"]} == {(mine, "SKU-1")}
    status, page = await get("/listings", headers={"X-Api-Key": operator}, seller=mine, state="rejected")
    assert (status, page["items"]) == (200, [])
    assert (await get(f"/feeds/{feed}/report"))[1]["lines"] == 1
    assert (await get("/restrictions", brand=f"Corvane {mine}"))[1]["allowed"] is True

    # another seller's key, on every route of the OpenAPI document aimed at this seller's data
    leaks = (mine, "SKU-1", listing["asin"], accepted["listing_id"])
    for attempt in aimed_at(mine, "SKU-1", feed, "Corvane", body(mine, 2)):
        status, answer = await call(attempt.method, api.url + attempt.path, attempt.body, {"X-Api-Key": other})
        assert status in (403, 404), (attempt, status, answer)
        assert isinstance(answer, dict) and answer["error"]
        text = json.dumps(answer)
        if status == 404:  # refused as if nothing were there
            assert not any(secret in text for secret in leaks), (attempt, answer)
        else:  # the refusal names the sellers, nothing of the listing
            assert not any(secret in text for secret in leaks[1:]), (attempt, answer)
    assert (await get(f"/listings/{mine}/SKU-2"))[0] == 404  # the other key's PUT published nothing

    # the seller closes the listing: a deletion request is published
    status, deleted = await call("DELETE", f"{api.url}/listings/{mine}/SKU-1", None, as_me)
    assert status == 202, deleted
    assert deleted["listing_id"] == accepted["listing_id"] and deleted["request_id"]


def evidence(brand: str, sku: str, gtin13: str) -> dict[str, Any]:
    """Everything an approval request must carry (brand gating lists what is missing otherwise)."""
    return {
        "title": f"{brand} Studio Headphones",
        "brand": brand,
        "manufacturer": f"{brand} Audio",
        "category": "HEADPHONES",
        "description": "Closed-back studio headphones.",
        "sku": sku,
        "identifiers": [{"type": "EAN", "value": gtin13}],
        "batch_id": "LOT-1",
        "images": [
            {"url": "https://img.example/front.jpg", "view": "front"},
            {"url": "https://img.example/back.jpg", "view": "back"},
            {"url": "https://img.example/barcode.jpg", "view": "barcode"},
        ],
    }


async def test_approval_requests_over_http_the_owner_decides_and_operators_read_dead_letters(
    api: ApiRuntime, infra: InfraSettings, pool: asyncpg.Pool
) -> None:
    owner, asker, stranger = seller(), seller(), seller()
    brand = f"Halvard {owner}"
    async with pool.acquire() as conn:
        keys = {s: (await store.create(conn, "seller", s)).token for s in (owner, asker, stranger)}
        operator = (await store.create(conn, "operator", None)).token
    done = await asyncio.to_thread(
        CliRunner().invoke, cli, ["brand", "register", brand, "--owner", owner], env=dict(infra.as_env())
    )
    assert done.exit_code == 0, done.output

    def key(who: str) -> dict[str, str]:
        return {"X-Api-Key": keys[who] if who != "operator" else operator}

    # the asker files a request with the evidence; it lists it, pending
    body = {"brand": brand, "evidence": evidence(brand, "HV-1", gtin(asker, 1))}
    status, filed = await call("POST", f"{api.url}/sellers/{asker}/approval-requests", body, key(asker))
    assert status == 202, filed
    mine = f"{api.url}/sellers/{asker}/approval-requests"
    status, page = await until(
        lambda: call("GET", mine, None, key(asker)), lambda s, b: s == 200 and len(b["items"]) == 1
    )
    assert [(r["request_id"], r["status"], r["brand"]) for r in page["items"]] == [(filed["id"], "pending", brand)]

    # the brand's owner sees it (a stranger may not), and approves it: the asker may create ASINs for the brand
    of_brand = f"{api.url}/brands/{urllib.parse.quote(brand, safe='')}/approval-requests"
    status, page = await call("GET", of_brand, None, key(owner))
    assert (status, [r["seller_id"] for r in page["items"]]) == (200, [asker]), page
    status, refused = await call("GET", of_brand, None, key(stranger))
    assert status == 403 and "owner" in refused["error"] and asker not in json.dumps(refused)
    decision = {"decision": "approved", "reason": "invoices check out"}
    status, refused = await call("POST", f"{of_brand}/{filed['id']}/decision", decision, key(stranger))
    assert status == 403, refused
    status, decided = await call("POST", f"{of_brand}/{filed['id']}/decision", decision, key(owner))
    assert status == 202, decided
    status, page = await until(
        lambda: call("GET", mine, None, key(asker)), lambda s, b: s == 200 and b["items"][0]["status"] == "approved"
    )
    assert (page["items"][0]["status"], page["items"][0]["decided_by"]) == ("approved", owner)
    query = urllib.parse.urlencode({"brand": brand})
    status, allowed = await call("GET", f"{api.url}/restrictions?{query}", None, key(asker))
    assert (status, allowed["owners"]["brand-gating"]["may_create"]) == (200, True), allowed

    # dead letters: the operator reads them from the broker; a seller may not
    status, letters = await call("GET", f"{api.url}/dead-letters", None, key("operator"))
    assert status == 200 and letters["count"] == len(letters["items"]), letters
    assert (await call("GET", f"{api.url}/dead-letters", None, key(asker)))[0] == 403
    status, replayed = await call("POST", f"{api.url}/dead-letters/replay", {"refs": ["nope:0:0"]}, key("operator"))
    assert (status, replayed["replayed"], replayed["unknown"]) == (200, [], ["nope:0:0"])
