"""The creation-quota handler on its in-memory store and counters (no PostgreSQL, no Redis): grants up to the
limit, throttling with 8571, release by priority then age when the week turns, sales raising the limit,
withdrawal and operator restore, a new version superseding a waiting one, redeliveries."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import (
    CreationRightsRestored,
    ListingBrandCleared,
    ListingProposed,
    ListingQuotaGranted,
    ListingRejected,
    ListingThrottled,
    SellerSalesRecorded,
)
from asinflow_contracts.ids import caused_event_id, listing_id
from asinflow_creation_quota.adapters.memory import InMemoryQuotaCounters, InMemoryQuotaStore
from asinflow_creation_quota.config import QuotaSettings
from asinflow_creation_quota.domain.weeks import FixedClock, iso_week, next_week_start
from asinflow_creation_quota.domain.withdrawal import WithdrawalRule
from asinflow_creation_quota.handlers import QuotaHandler
from asinflow_runtime.intake import receive
from asinflow_runtime.messages import Incoming, Outgoing
from pydantic import BaseModel

pytestmark = pytest.mark.unit

WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # ISO week 2026-W48
LIMIT = 20  # a new seller's weekly limit


@dataclass(frozen=True)
class Record:
    """What the handler reads of a consumed record (an aiokafka ConsumerRecord in production)."""

    topic: str
    value: bytes
    key: bytes | None = None
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    partition: int = 0
    offset: int = 0


class Quota:
    """The handler with its fakes and a clock the test moves."""

    def __init__(self, settings: QuotaSettings | None = None) -> None:
        self.clock = FixedClock(WEDNESDAY)
        self.store = InMemoryQuotaStore()
        self.counters = InMemoryQuotaCounters()
        self.handler = QuotaHandler(self.counters, settings or QuotaSettings(), self.clock)

    def incoming(self, topic: str, payload: BaseModel, key: str, event_id: uuid.UUID | None = None) -> Incoming:
        envelope = Envelope(id=event_id or uuid.uuid4(), type=topic, source="/tests", subject=key)
        record = Record(topic, payload.model_dump_json().encode(), key.encode(), envelope.to_headers())
        return self.handler.parse(receive(record))

    async def send(self, *payloads: BaseModel) -> list[Outgoing]:
        items = [self.incoming(_topic(p), p, _key(p)) for p in payloads]
        return await self.handler.handle(self.store, items)

    async def send_each(self, *payloads: BaseModel) -> list[Outgoing]:
        """One batch per event, a second apart (so that release order follows the order of sending)."""
        out: list[Outgoing] = []
        for payload in payloads:
            self.clock.advance(timedelta(seconds=1))
            out += await self.send(payload)
        return out

    async def tick(self) -> list[Outgoing]:
        return await self.handler.release(self.store)


def _topic(payload: BaseModel) -> str:
    if isinstance(payload, ListingBrandCleared):
        return topics.LISTING_BRAND_CLEARED
    if isinstance(payload, SellerSalesRecorded):
        return topics.SELLER_SALES_RECORDED
    assert isinstance(payload, CreationRightsRestored)
    return topics.SELLER_CREATION_RESTORED


def _key(payload: BaseModel) -> str:
    return str(payload.listing_id) if isinstance(payload, ListingBrandCleared) else str(payload.seller_id)


def seller() -> str:
    return f"S-{uuid.uuid4().hex[:10]}"


def cleared(seller_id: str, sku: str, priority: int = 0) -> ListingBrandCleared:
    proposal = ListingProposed(
        seller_id=seller_id,
        sku=sku,
        title=f"Widget {sku}",
        brand="Quotabrand",
        product_type="WIDGET",
        exemption_id="EX-QUOTA",
        priority=priority,
    )
    return ListingBrandCleared(
        listing_id=listing_id(seller_id, sku),
        seller_id=seller_id,
        sku=sku,
        proposal_id=uuid.uuid4(),
        exemption_id="EX-QUOTA",
        proposal=proposal,
        clearance="unregistered",
    )


def sales(seller_id: str, units: int, revenue: str, day: date) -> SellerSalesRecorded:
    return SellerSalesRecorded(
        seller_id=seller_id, day=day, units=units, revenue=Decimal(revenue), record_id=uuid.uuid4().hex
    )


def of_type(events: list[Outgoing], event_type: str) -> list[Outgoing]:
    return [e for e in events if e.topic == event_type]


def body(event: Outgoing) -> dict[str, Any]:
    parsed = json.loads(event.body())
    assert isinstance(parsed, dict)
    return parsed


def skus(events: list[Outgoing]) -> list[str]:
    return [body(e)["sku"] for e in events]


# --- grants and throttling ---------------------------------------------------------------------------


async def test_a_new_seller_gets_twenty_units_a_week_then_listings_are_throttled_with_8571() -> None:
    q = Quota()
    s = seller()
    listings = [cleared(s, f"L-{i:02d}") for i in range(LIMIT + 1)]
    out = await q.send(*listings[:LIMIT]) + await q.send_each(listings[LIMIT])

    granted = [ListingQuotaGranted.model_validate_json(e.body()) for e in of_type(out, topics.LISTING_QUOTA_GRANTED)]
    assert sorted(g.unit for g in granted) == list(range(1, LIMIT + 1))
    assert sorted(g.sku for g in granted) == [f"L-{i:02d}" for i in range(LIMIT)]
    assert {(g.week, g.limit, g.clearance) for g in granted} == {("2026-W48", LIMIT, "unregistered")}
    # a granted event is the brand-cleared event and its unit, nothing lost on the way
    by_sku = {listing.sku: listing for listing in listings}
    for g in granted:
        assert g.model_dump(include=set(ListingBrandCleared.model_fields)) == by_sku[g.sku].model_dump()

    [throttled] = of_type(out, topics.LISTING_THROTTLED)
    event = ListingThrottled.model_validate_json(throttled.body())
    assert (event.sku, event.week, event.limit, event.used) == ("L-20", "2026-W48", LIMIT, LIMIT)
    assert event.capacity_returns_at == next_week_start(WEDNESDAY)
    [problem] = event.issues
    assert (problem.code, problem.amazon_code, problem.severity) == ("CREATION_LIMIT_REACHED", 8571, "WARNING")
    assert "2026-11-30 00:00 UTC" in problem.message and "2026-W48" in problem.message
    assert "tier new" in problem.message

    statuses = {str(r.entry.listing_id): r.status for r in q.store.queue.values()}
    assert sorted(statuses.values()).count("granted") == LIMIT
    assert statuses[str(listing_id(s, "L-20"))] == "throttled"
    assert len(q.store.grants) == LIMIT
    assert q.store.locked == [[s], [s]]


async def test_events_are_caused_by_the_brand_cleared_event_and_keyed_by_listing() -> None:
    q = Quota()
    s = seller()
    listing = cleared(s, "ONE")
    item = q.incoming(topics.LISTING_BRAND_CLEARED, listing, str(listing.listing_id))
    [event] = await q.handler.handle(q.store, [item])
    assert event.key == str(listing.listing_id)
    assert event.envelope.causation_id == item.event_id
    assert event.envelope.causation_type == topics.LISTING_BRAND_CLEARED
    assert event.envelope.id == caused_event_id(item.event_id, topics.LISTING_QUOTA_GRANTED)
    assert event.envelope.subject == str(listing.listing_id)


async def test_a_listing_still_throttled_is_not_announced_again() -> None:
    q = Quota()
    s = seller()
    first = await q.send(*(cleared(s, f"L-{i:02d}") for i in range(LIMIT + 1)))
    [waiting] = skus(of_type(first, topics.LISTING_THROTTLED))
    q.clock.advance(timedelta(hours=1))
    out = await q.send(cleared(s, "LATER"))
    assert skus(out) == ["LATER"]  # the one throttled before waits on, silently
    assert out[0].topic == topics.LISTING_THROTTLED
    assert [r.status for r in q.store.queue.values() if r.entry.listing_id == listing_id(s, waiting)] == ["throttled"]
    assert await q.tick() == []  # the week has not ended


async def test_a_redelivered_listing_under_a_new_event_id_takes_no_second_unit() -> None:
    q = Quota()
    s = seller()
    listing = cleared(s, "TWICE")
    await q.send(listing)
    again = await q.send(listing)  # the same proposal, another brand-cleared event id
    assert again == []
    assert q.counters.granted(s, "2026-W48") == {str(listing.proposal_id): 1}
    assert len(q.store.grants) == 1


async def test_sellers_have_separate_limits_and_are_locked_together_in_a_fixed_order() -> None:
    q = Quota()
    a, b = sorted([seller(), seller()])
    out = await q.send(*(cleared(b, f"B-{i}") for i in range(3)), *(cleared(a, f"A-{i}") for i in range(3)))
    assert len(of_type(out, topics.LISTING_QUOTA_GRANTED)) == 6
    assert q.store.locked == [[a, b]]


# --- release when capacity returns ------------------------------------------------------------------


async def test_throttled_listings_are_released_by_priority_then_age_when_the_week_turns() -> None:
    q = Quota()
    s = seller()
    await q.send(*(cleared(s, f"FIRST-{i:02d}") for i in range(LIMIT)))
    throttled: dict[str, uuid.UUID] = {}
    for i in range(25):
        q.clock.advance(timedelta(seconds=1))
        [event] = await q.send(cleared(s, f"MORE-{i:02d}", priority=i % 5))
        assert event.topic == topics.LISTING_THROTTLED
        throttled[body(event)["sku"]] = event.envelope.id

    q.clock.set(next_week_start(WEDNESDAY))
    released = await q.tick()
    expected = [f"MORE-{i:02d}" for p in (4, 3, 2, 1) for i in range(25) if i % 5 == p]  # priority, then oldest
    assert skus(released) == expected
    assert {e.topic for e in released} == {topics.LISTING_QUOTA_GRANTED}
    units = [ListingQuotaGranted.model_validate_json(e.body()) for e in released]
    assert [(u.week, u.unit) for u in units] == [("2026-W49", n) for n in range(1, LIMIT + 1)]
    for event in released:  # a release is caused by the listing's throttle event: the ledger orders them so
        assert event.envelope.causation_id == throttled[body(event)["sku"]]
        assert event.envelope.causation_type == topics.LISTING_THROTTLED

    assert await q.tick() == []  # the rest waits for capacity: priority 0, released next week
    q.clock.set(next_week_start(q.clock.now()))
    assert skus(await q.tick()) == [f"MORE-{i:02d}" for i in range(0, 25, 5)]
    assert len(q.store.grants) == LIMIT + 25


async def test_sales_raise_the_limit_and_release_what_waits() -> None:
    q = Quota()
    s = seller()
    out = await q.send_each(*(cleared(s, f"L-{i:02d}") for i in range(LIMIT + 3)))
    assert skus(of_type(out, topics.LISTING_THROTTLED)) == ["L-20", "L-21", "L-22"]
    released = await q.send(sales(s, 2, "30.00", WEDNESDAY.date()))  # starter: 20 + 2 × 2 = 24
    assert skus(released) == ["L-20", "L-21", "L-22"]
    assert {ListingQuotaGranted.model_validate_json(e.body()).limit for e in released} == {24}


async def test_a_sales_record_sent_twice_counts_once() -> None:
    q = Quota()
    s = seller()
    await q.send(*(cleared(s, f"L-{i:02d}") for i in range(LIMIT + 10)))
    record = sales(s, 2, "30.00", WEDNESDAY.date())
    assert len(await q.send(record)) == 4  # 24
    assert await q.send(record) == []  # the same record id: still 24
    assert len(q.store.sales) == 1


# --- withdrawal ---------------------------------------------------------------------------------------

FLOOD_RULE = QuotaSettings(withdrawal=WithdrawalRule(weeks=1, min_listings=25, min_sell_through=Decimal("0.2")))


async def test_a_flooding_seller_loses_creation_until_the_weekly_re_evaluation_or_an_operator() -> None:
    q = Quota(FLOOD_RULE)
    s = seller()
    await q.send(sales(s, 3, "12.00", WEDNESDAY.date()))  # limit 26, 3 units sold
    assert (
        len(of_type(await q.send(*(cleared(s, f"F-{i:02d}") for i in range(26))), topics.LISTING_QUOTA_GRANTED)) == 26
    )

    q.clock.set(next_week_start(WEDNESDAY) + timedelta(hours=1))  # last week: 26 created, 3 sold
    [rejected] = await q.send(cleared(s, "AFTER-1"))
    event = ListingRejected.model_validate_json(rejected.body())
    assert event.code == "CREATION_RIGHTS_WITHDRAWN"
    assert "26 listings created and 3 units sold" in event.message
    assert "2026-12-07 00:00 UTC" in event.remedy
    assert [r.status for r in q.store.queue.values() if r.entry.listing_id == listing_id(s, "AFTER-1")] == ["rejected"]

    restore = CreationRightsRestored(seller_id=s, operator="operator", reason="catalogue migration, reviewed")
    assert await q.send(restore) == []
    [granted] = await q.send(cleared(s, "AFTER-2"))
    assert granted.topic == topics.LISTING_QUOTA_GRANTED
    assert [(r.operator, r.reason) for r in q.store.restores.values()] == [
        ("operator", "catalogue migration, reviewed")
    ]

    q.clock.set(next_week_start(q.clock.now()) + timedelta(hours=1))  # re-evaluated: 1 created last week
    [again] = await q.send(cleared(s, "AFTER-3"))
    assert again.topic == topics.LISTING_QUOTA_GRANTED


async def test_a_restore_holds_only_until_the_next_re_evaluation() -> None:
    q = Quota(FLOOD_RULE)
    s = seller()
    await q.send(*(cleared(s, f"F-{i:02d}") for i in range(LIMIT)))  # 20 created, nothing sold
    q.clock.set(next_week_start(WEDNESDAY))
    await q.send(CreationRightsRestored(seller_id=s, operator="op", reason="checked"))  # rule not tripped: no-op
    q.clock.set(next_week_start(q.clock.now()))
    [event] = await q.send(cleared(s, "NEXT"))
    assert event.topic == topics.LISTING_QUOTA_GRANTED  # 0 created last week


# --- versions -----------------------------------------------------------------------------------------


async def test_a_new_version_of_a_throttled_listing_supersedes_it() -> None:
    q = Quota()
    s = seller()
    out = await q.send(*(cleared(s, f"V-{i:02d}") for i in range(LIMIT + 1)))
    [first] = of_type(out, topics.LISTING_THROTTLED)
    waiting = body(first)["sku"]
    second = cleared(s, waiting)  # the seller sends the listing again: a new proposal of the same listing
    [throttled] = await q.send(second)
    assert throttled.topic == topics.LISTING_THROTTLED
    assert body(throttled)["proposal_id"] == str(second.proposal_id)
    statuses = {k: r.status for k, r in q.store.queue.items() if r.entry.listing_id == listing_id(s, waiting)}
    assert statuses == {body(first)["proposal_id"]: "superseded", str(second.proposal_id): "throttled"}

    q.clock.set(next_week_start(WEDNESDAY))
    [released] = await q.tick()
    assert body(released)["proposal_id"] == str(second.proposal_id)
    assert [g.proposal_id for g in q.store.grants.values() if g.week == iso_week(q.clock.now())] == [
        str(second.proposal_id)
    ]
