"""A downstream subscriber, written the way the README tells users to, receives every deactivation."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import pytest
from asinflow_contracts import topics
from asinflow_contracts.events import ListingDeactivated, ListingSuppressed
from asinflow_contracts.ids import listing_id
from faststream.kafka import KafkaBroker

from tests.support.cli import asinflow
from tests.support.ledger import asin_of
from tests.support.listings import proposal, publish_proposal, seller, wait_for_state

pytestmark = pytest.mark.integration


async def test_a_faststream_subscriber_receives_every_deactivation_as_documented(
    services, infra, producer, pool
) -> None:
    s = seller()
    received: list[ListingDeactivated | ListingSuppressed] = []

    # --- the subscriber, as a user writes it (README "Subscribe from another program") ---
    broker = KafkaBroker(infra.kafka_bootstrap_servers)
    group = f"my-subscriber-{uuid.uuid4().hex[:6]}"

    @broker.subscriber(topics.LISTING_DEACTIVATED, group_id=group, auto_offset_reset="earliest")
    async def on_deactivated(event: ListingDeactivated) -> None:
        if event.seller_id == s:
            received.append(event)

    @broker.subscriber(topics.LISTING_SUPPRESSED, group_id=group, auto_offset_reset="earliest")
    async def on_suppressed(event: ListingSuppressed) -> None:
        if event.seller_id == s:
            received.append(event)

    await broker.start()
    try:
        await publish_proposal(producer, proposal(s, "SUB-1", quantity=2))
        await wait_for_state(pool, s, "SUB-1", {"active"})
        await asinflow("inventory", "set", s, "SUB-1", "0", infra=infra)
        await asinflow("inventory", "set", s, "SUB-1", "4", infra=infra)
        await asinflow(
            "policy",
            "report",
            "--seller",
            s,
            "--sku",
            "SUB-1",
            "--kind",
            "IP_COMPLAINT",
            "--evidence",
            "notice 77",
            "--reporter",
            "rights owner",
            "--id",
            f"V-{s}",
            infra=infra,
        )
        deadline = time.monotonic() + 30
        while len(received) < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        await asyncio.sleep(1)  # nothing more should come
    finally:
        await broker.stop()

    asin = await asin_of(pool, s, "SUB-1")
    lid = listing_id(s, "SUB-1")
    received.sort(key=lambda e: e.sequence)  # one listing's order across topics (README)
    assert [type(e).__name__ for e in received] == ["ListingDeactivated", "ListingSuppressed"]
    deactivated, suppressed = received
    assert 1 < deactivated.sequence < suppressed.sequence  # (activated came first)
    assert isinstance(deactivated, ListingDeactivated) and isinstance(suppressed, ListingSuppressed)
    assert (deactivated.listing_id, deactivated.sku, deactivated.asin) == (lid, "SUB-1", asin)
    assert deactivated.reason == "OUT_OF_STOCK"
    assert (deactivated.buyable, deactivated.discoverable, deactivated.quantity) == (False, False, 0)
    assert (suppressed.listing_id, suppressed.asin, suppressed.reason) == (lid, asin, "IP_COMPLAINT")
    assert suppressed.enforcement == "LISTING_SUPPRESSED" and suppressed.scope == "LISTING"
    assert (suppressed.violation_id, suppressed.reporter, suppressed.evidence) == (
        f"V-{s}",
        "rights owner",
        ["notice 77"],
    )
    assert (suppressed.buyable, suppressed.discoverable) == (False, False)

    # the CLI shows the same stream, one JSON object a line
    out = await asinflow("subscribe", "deactivations", "--from-beginning", "--idle-timeout", "3", infra=infra)
    events = [json.loads(line) for line in out.out.splitlines()]
    mine = sorted((e for e in events if e["seller_id"] == s), key=lambda e: e["sequence"])
    assert [(e["type"], e["reason"]) for e in mine] == [
        (topics.LISTING_DEACTIVATED, "OUT_OF_STOCK"),
        (topics.LISTING_SUPPRESSED, "IP_COMPLAINT"),
    ]
    assert all(e["id"] and e["asin"] == asin for e in mine)
