"""Helpers to publish proposals and watch what the services did with them."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
import uuid
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.ids import content_event_id, listing_id

#: Where a listing ends when nothing from outside moves it on (the whole pipeline runs in the tests).
SETTLED = {"active", "inactive", "suppressed", "rejected", "throttled"}


def seller() -> str:
    """A seller id of its own for each test, so tests stay independent on a shared stack."""
    return f"S-{uuid.uuid4().hex[:10]}"


def ean13(body12: str) -> str:
    """Append the GS1 check digit to 12 digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def gtin(seller_id: str, n: int = 0) -> str:
    """A valid EAN-13 of this seller's own, so that catalog items of other tests do not match it."""
    digits = str(int(hashlib.sha256(f"{seller_id}/{n}".encode()).hexdigest(), 16))[:10]
    return ean13("40" + digits)


def proposal(seller_id: str, sku: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "seller_id": seller_id,
        "sku": sku,
        "title": "Brightline Wireless Headphones WH-100, Black",
        "brand": "Brightline",  # not in the examples' brand registry (Acme is, owned by S-1001)
        "manufacturer": "Brightline Audio Ltd",
        "product_type": "HEADPHONES",
        "identifiers": [{"type": "UPC", "value": "036000291452"}],
        "batch_id": f"batch-{seller_id}",
        "quantity": 5,
    }
    base.update(fields)
    return base


async def publish_raw(
    producer: AIOKafkaProducer,
    value: bytes,
    *,
    key: bytes | None = None,
    headers: list[tuple[str, bytes]] | None = None,
    topic: str = topics.LISTING_PROPOSED,
) -> None:
    await producer.send_and_wait(topic, value, key=key, headers=headers or [])


async def publish_proposal(producer: AIOKafkaProducer, data: dict[str, Any]) -> uuid.UUID:
    """Publish like an upstream system does (CloudEvents headers, listing id key); returns the event id."""
    body = json.dumps(data).encode()
    event_id = content_event_id(topics.LISTING_PROPOSED, body)
    lid = listing_id(data["seller_id"], data["sku"])
    envelope = Envelope(id=event_id, type=topics.LISTING_PROPOSED, source="/tests", subject=str(lid))
    await producer.send_and_wait(topics.LISTING_PROPOSED, body, key=str(lid).encode(), headers=envelope.to_headers())
    return event_id


async def wait_for(pool: asyncpg.Pool, query: str, *args: Any, predicate: Any = bool, timeout: float = 30.0) -> Any:
    """Poll ``query`` (fetchval) until ``predicate(value)``; fail with the last value after ``timeout``."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = await pool.fetchval(query, *args)
        if predicate(value):
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting on {query!r}; last value {value!r}")


async def wait_for_state(
    pool: asyncpg.Pool, seller_id: str, sku: str, states: set[str] | None = None, timeout: float = 30.0
) -> str:
    """The ledger state of the latest version of a listing, once it is in ``states`` (any state if None)."""
    query = "SELECT state FROM ledger.versions WHERE listing_id = $1 ORDER BY version DESC LIMIT 1"
    return str(
        await wait_for(
            pool,
            query,
            listing_id(seller_id, sku),
            predicate=lambda s: s is not None and (states is None or s in states),
            timeout=timeout,
        )
    )


async def wait_for_proposal(
    pool: asyncpg.Pool, proposal_id: uuid.UUID, states: set[str], timeout: float = 30.0
) -> tuple[str, list[dict[str, Any]]]:
    """State and issues of the listing version that ``proposal_id`` started, once it is in ``states``
    (for a listing proposed again: its earlier version may already be settled)."""
    query = "SELECT state FROM ledger.versions WHERE proposal_id = $1"
    state = await wait_for(pool, query, proposal_id, predicate=lambda s: s in states, timeout=timeout)
    issues = await pool.fetchval("SELECT issues FROM ledger.versions WHERE proposal_id = $1", proposal_id)
    return str(state), json.loads(issues) if isinstance(issues, str) else list(issues or [])


async def ledger_issues(pool: asyncpg.Pool, seller_id: str, sku: str) -> list[dict[str, Any]]:
    value = await pool.fetchval(
        "SELECT issues FROM ledger.versions WHERE listing_id = $1 ORDER BY version DESC LIMIT 1",
        listing_id(seller_id, sku),
    )
    return json.loads(value) if isinstance(value, str) else list(value or [])
