"""A subscriber follows one listing's notifications (issue 13): ``listing.status-changed`` from the activation
service and ``listing.issues-changed`` from the lifecycle ledger, through a stock-out, a restock, a suppression, a
second stricter one, a reactivation and a deletion (``asinflow listing delete``), read with a plain aiokafka
consumer as the README shows; the ledger ends ``deleted`` and the catalog no longer lists the offer."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from asinflow_catalog.adapters.postgres import item_view
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope, header_dict
from asinflow_contracts.events import (
    Enforcement,
    InventoryUpdated,
    ListingDeleted,
    ListingIssuesChanged,
    ListingStatusChanged,
    PolicyViolationReported,
    ReactivationDecided,
    ReactivationRequested,
    ViolationKind,
)
from asinflow_contracts.ids import listing_id
from pydantic import BaseModel

from tests.support.cli import asinflow
from tests.support.ledger import asin_of, transitions
from tests.support.listings import ledger_issues, proposal, publish_proposal, seller, wait_for, wait_for_state

pytestmark = pytest.mark.integration

FOLLOWED = (topics.LISTING_STATUS_CHANGED, topics.LISTING_ISSUES_CHANGED, topics.LISTING_DELETED)


class Subscriber:
    """What a subscriber received of one seller's listings: (topic, ce_id, body), in the order received."""

    def __init__(self, seller_id: str) -> None:
        self.seller_id = seller_id
        self.received: list[tuple[str, str, dict[str, Any]]] = []

    def of(self, topic: str) -> list[dict[str, Any]]:
        return [body for t, _, body in self.received if t == topic]

    async def until(self, done: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; received {self.received}")
            await asyncio.sleep(0.05)

    async def statuses(self, n: int) -> list[list[str]]:
        await self.until(lambda: len(self.of(topics.LISTING_STATUS_CHANGED)) >= n, f"{n} status notices")
        return [s["status"] for s in self.of(topics.LISTING_STATUS_CHANGED)]


@contextlib.asynccontextmanager
async def subscribed(bootstrap: str, seller_id: str) -> AsyncIterator[Subscriber]:
    """A plain aiokafka consumer, as in the README's subscriber example."""
    subscriber = Subscriber(seller_id)
    consumer = AIOKafkaConsumer(
        *FOLLOWED,
        bootstrap_servers=bootstrap,
        group_id=f"notifications-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        fetch_max_wait_ms=50,
    )
    await consumer.start()

    async def read() -> None:
        async for record in consumer:
            try:  # other tests put junk on listing.deleted (tests/support/hostile.py): a subscriber skips it
                body = json.loads(record.value or b"")
            except (ValueError, RecursionError):
                continue
            if isinstance(body, dict) and body.get("seller_id") == seller_id:
                ce_id = header_dict(list(record.headers or ())).get("ce_id", "")
                subscriber.received.append((record.topic, ce_id, body))

    task = asyncio.create_task(read())
    try:
        yield subscriber
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await consumer.stop()


async def send(producer: AIOKafkaProducer, topic: str, seller_id: str, sku: str, event: BaseModel) -> None:
    key = str(listing_id(seller_id, sku))
    envelope = Envelope(id=uuid.uuid4(), type=topic, source="/tests", subject=key)
    await producer.send_and_wait(
        topic, event.model_dump_json().encode(), key=key.encode(), headers=envelope.to_headers()
    )


async def test_a_subscriber_follows_status_and_issues_through_a_listings_life(
    services: object, infra: Any, producer: AIOKafkaProducer, pool: asyncpg.Pool
) -> None:
    s, sku = seller(), "NOTE-1"
    lid = listing_id(s, sku)
    buyable_discoverable = ["BUYABLE", "DISCOVERABLE"]

    def report(violation: str, kind: ViolationKind, enforcement: Enforcement) -> PolicyViolationReported:
        return PolicyViolationReported(
            violation_id=violation,
            kind=kind,
            seller_id=s,
            sku=sku,
            enforcement=enforcement,
            evidence=["notice"],
            reporter="rights owner",
        )

    async with subscribed(infra.kafka_bootstrap_servers, s) as sub:
        await publish_proposal(producer, proposal(s, sku, quantity=2))
        await wait_for_state(pool, s, sku, {"active"})
        assert await sub.statuses(1) == [buyable_discoverable]  # created with stock: the first status

        # a stock-out and a restock
        await send(producer, topics.INVENTORY_UPDATED, s, sku, InventoryUpdated(seller_id=s, sku=sku, quantity=0))
        assert (await sub.statuses(2))[-1] == []
        await send(producer, topics.INVENTORY_UPDATED, s, sku, InventoryUpdated(seller_id=s, sku=sku, quantity=3))
        assert (await sub.statuses(3))[-1] == buyable_discoverable
        assert sub.of(topics.LISTING_ISSUES_CHANGED) == []  # no issue so far: no issue notice

        # a suppression from search only: still buyable from its page; then a stricter one on the suppressed listing
        v1, v2 = f"V-{s}-1", f"V-{s}-2"
        search = report(v1, ViolationKind.IP_COMPLAINT, Enforcement.SEARCH_SUPPRESSED)
        await send(producer, topics.POLICY_VIOLATION_REPORTED, s, sku, search)
        assert (await sub.statuses(4))[-1] == ["BUYABLE"]
        stricter = report(v2, ViolationKind.COUNTERFEIT, Enforcement.LISTING_SUPPRESSED)
        await send(producer, topics.POLICY_VIOLATION_REPORTED, s, sku, stricter)
        assert (await sub.statuses(5))[-1] == []
        await sub.until(lambda: len(sub.of(topics.LISTING_ISSUES_CHANGED)) >= 2, "two issue notices")
        assert await wait_for_state(pool, s, sku, {"suppressed"}) == "suppressed"
        issues = await ledger_issues(pool, s, sku)
        assert [(i["code"], i["enforcements"]["actions"]) for i in issues] == [
            ("COUNTERFEIT", ["LISTING_SUPPRESSED"]),
            ("IP_COMPLAINT", ["SEARCH_SUPPRESSED"]),
        ]
        assert all(i["enforcements"]["exemption"] == {"status": "NOT_EXEMPT"} for i in issues)

        # a reactivation resolves both
        request = ReactivationRequested(
            request_id=f"R-{s}", seller_id=s, sku=sku, root_cause_fix="invoices from the brand"
        )
        await send(producer, topics.REACTIVATION_REQUESTED, s, sku, request)
        # the operator decides a request it has seen (a decision for a request not recorded yet is refused:
        # the two travel on different topics, in no guaranteed order)
        query = "SELECT status FROM activation.requests WHERE request_id = $1"
        await wait_for(pool, query, f"R-{s}", predicate=lambda status: status == "PENDING")
        decision = ReactivationDecided(request_id=f"R-{s}", seller_id=s, sku=sku, approved=True, decided_by="op")
        await send(producer, topics.REACTIVATION_DECIDED, s, sku, decision)
        assert (await sub.statuses(6))[-1] == buyable_discoverable
        await sub.until(lambda: len(sub.of(topics.LISTING_ISSUES_CHANGED)) >= 3, "the issues resolved")

        # the seller deletes it
        deleted = await asinflow("listing", "delete", s, sku, "--reason", "range discontinued", infra=infra)
        assert (deleted.code, deleted.out.strip()) == (0, f"deleted {s} / {sku}"), deleted.err
        assert (await sub.statuses(7))[-1] == ["DELETED"]
        await sub.until(lambda: len(sub.of(topics.LISTING_DELETED)) == 1, "listing.deleted")
        again = await asinflow("listing", "delete", s, sku, infra=infra)
        assert (again.code, again.err.strip()) == (1, "refused: the listing is deleted already")
        await asyncio.sleep(0.5)  # nothing more comes

    # --- what the subscriber received ---
    asin = await asin_of(pool, s, sku)
    statuses = [ListingStatusChanged.model_validate(b) for b in sub.of(topics.LISTING_STATUS_CHANGED)]
    assert [(n.sequence, n.status) for n in statuses] == [
        (1, ["BUYABLE", "DISCOVERABLE"]),
        (2, []),
        (3, ["BUYABLE", "DISCOVERABLE"]),
        (4, ["BUYABLE"]),
        (5, []),
        (6, ["BUYABLE", "DISCOVERABLE"]),
        (7, ["DELETED"]),
    ]
    assert [n.previous for n in statuses] == [None, *(n.status for n in statuses[:-1])]
    assert {(n.listing_id, n.sku, n.asin) for n in statuses} == {(lid, sku, asin)}
    assert all(a.at <= b.at for a, b in itertools.pairwise(statuses))

    notices = [ListingIssuesChanged.model_validate(b) for b in sub.of(topics.LISTING_ISSUES_CHANGED)]
    assert [(n.sequence, n.severities, n.enforcement_actions) for n in notices] == [
        (1, ["ERROR"], ["SEARCH_SUPPRESSED"]),
        (2, ["ERROR"], ["LISTING_SUPPRESSED", "SEARCH_SUPPRESSED"]),
        (3, [], []),  # everything resolved
    ]
    assert {(n.listing_id, n.version, n.asin) for n in notices} == {(lid, 1, asin)}

    [gone] = [ListingDeleted.model_validate(b) for b in sub.of(topics.LISTING_DELETED)]
    assert (gone.requested_by, gone.reason, gone.buyable, gone.discoverable) == (s, "range discontinued", False, False)
    ids = [ce_id for _, ce_id, _ in sub.received]
    assert len(ids) == len(set(ids)) == len(statuses) + len(notices) + 1  # each once

    # --- the ledger and the catalog ---
    assert await wait_for_state(pool, s, sku, {"deleted"}) == "deleted"
    history = await transitions(pool, s, sku)
    assert all(legal for _, _, legal in history)
    assert [(f, t) for f, t, _ in history[-8:]] == [
        ("validated", "created"),
        ("created", "active"),
        ("active", "inactive"),
        ("inactive", "active"),
        ("active", "suppressed"),
        ("suppressed", "suppressed"),  # the second, stricter suppression
        ("suppressed", "active"),
        ("active", "deleted"),
    ]
    view = await item_view(pool, asin)
    assert view is not None and (s, sku) not in {(o["seller_id"], o["sku"]) for o in view["offers"]}
    closed = await pool.fetchval("SELECT closed_at FROM catalog.offers WHERE listing_id = $1", lid)
    assert closed is not None
