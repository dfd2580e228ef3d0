"""One contract for each port of the creation-quota service, run against its fake and its real adapter: the
store (``memory``, ``postgres`` in a transaction rolled back after each test) and the counters (``memory``,
``redis`` with keys of the test's own sellers). And: a batch costs the same number of statements whatever its
size."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import asyncpg
import pytest
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import ListingBrandCleared, ListingProposed
from asinflow_contracts.ids import listing_id
from asinflow_creation_quota.adapters.memory import InMemoryQuotaCounters, InMemoryQuotaStore
from asinflow_creation_quota.adapters.postgres import PostgresQuotaStore
from asinflow_creation_quota.adapters.redis_quota import RedisQuotaCounters
from asinflow_creation_quota.app import spec
from asinflow_creation_quota.config import QuotaSettings
from asinflow_creation_quota.domain.grants import GrantRequest, GrantResult, GrantStatus
from asinflow_creation_quota.domain.queue import Decision, Queued
from asinflow_creation_quota.domain.sales import DaySales
from asinflow_creation_quota.domain.standing import FactsWindow
from asinflow_creation_quota.domain.weeks import FixedClock, iso_week, next_week_start, previous_week, week_start
from asinflow_creation_quota.domain.withdrawal import OperatorRestore
from asinflow_creation_quota.handlers import QuotaHandler
from asinflow_creation_quota.store import QuotaCounters, QuotaStore, RestoreRecord, SaleRecord
from asinflow_runtime.cache import create_redis
from asinflow_runtime.db import migrate, reliability_migrations
from asinflow_runtime.messages import Incoming
from asinflow_runtime.settings import InfraSettings

pytestmark = pytest.mark.integration

#: Wednesday of this week (Redis expires a week's counters a week after the week, by the real clock).
AT = week_start(datetime.now(UTC)) + timedelta(days=2, hours=10)
WEEK = iso_week(AT)
SINCE = (AT - timedelta(days=30)).date()
SPEC = spec()


async def migrated(conn: asyncpg.Connection) -> None:
    await migrate(conn, SPEC.schema, [*reliability_migrations(), *SPEC.migrations])


@pytest.fixture(params=["memory", "postgres"])
async def store(request: pytest.FixtureRequest, pool: asyncpg.Pool) -> AsyncIterator[QuotaStore]:
    if request.param == "memory":
        yield InMemoryQuotaStore()
        return
    async with pool.acquire() as conn:
        await migrated(conn)
        transaction = conn.transaction()
        await transaction.start()
        try:
            yield PostgresQuotaStore(conn)
        finally:
            await transaction.rollback()


@pytest.fixture(params=["memory", "redis"])
async def counters(request: pytest.FixtureRequest, infra: InfraSettings) -> AsyncIterator[QuotaCounters]:
    if request.param == "memory":
        yield InMemoryQuotaCounters()
        return
    assert infra.redis_url
    client = create_redis(infra.redis_url)
    try:
        yield RedisQuotaCounters(client)
    finally:
        await client.aclose()


def seller() -> str:
    return f"S-{uuid.uuid4().hex[:10]}"


def body(seller_id: str, sku: str) -> str:
    proposal = ListingProposed(
        seller_id=seller_id, sku=sku, title=f"Widget {sku}", brand="Quotabrand", product_type="WIDGET"
    )
    return ListingBrandCleared(
        listing_id=listing_id(seller_id, sku),
        seller_id=seller_id,
        sku=sku,
        proposal_id=uuid.uuid4(),
        exemption_id="EX-1",
        proposal=proposal,
        clearance="unregistered",
    ).model_dump_json()


def queued(seller_id: str, sku: str, priority: int = 0, since: datetime = AT) -> Queued:
    return Queued(
        proposal_id=uuid.uuid4(),
        listing_id=listing_id(seller_id, sku),
        seller_id=seller_id,
        priority=priority,
        since=since,
        cause_id=uuid.uuid4(),
        body=body(seller_id, sku),
        status="waiting",
        throttled_id=None,
    )


def granted(entry: Queued, unit: int, week: str = WEEK, at: datetime = AT) -> Decision:
    answer = GrantResult(entry.seller_id, str(entry.proposal_id), GrantStatus.GRANTED, week, unit, unit)
    return Decision(entry, "granted", week, at, grant=answer)


def throttled(entry: Queued, throttled_id: uuid.UUID | None, week: str = WEEK, at: datetime = AT) -> Decision:
    answer = GrantResult(entry.seller_id, str(entry.proposal_id), GrantStatus.OVER_LIMIT, week, None, 20)
    return Decision(entry, "throttled", week, at, grant=answer, throttled_id=throttled_id)


def comparable(entries: list[Queued]) -> list[tuple[object, ...]]:
    """Entries in a fixed order, the body as JSON (PostgreSQL keeps it as jsonb)."""
    rows = [
        (str(e.proposal_id), e.listing_id, e.seller_id, e.priority, e.since, e.cause_id, e.status, e.throttled_id)
        for e in entries
    ]
    bodies = {str(e.proposal_id): json.loads(e.body) for e in entries}
    return sorted([(*row, bodies[str(row[0])]) for row in rows], key=lambda r: str(r[0]))
    return sorted(rows, key=lambda r: str(r[0]))


# --- the store -------------------------------------------------------------------------------------------


async def test_queued_listings_come_back_as_they_were_queued(store: QuotaStore) -> None:
    s, other = seller(), seller()
    entries = [queued(s, "A", 3), queued(s, "B", -1, AT + timedelta(seconds=1)), queued(other, "C")]
    await store.enqueue(entries)
    assert comparable(await store.open_queue([s])) == comparable(entries[:2])
    assert comparable(await store.open_queue([s, other, seller()])) == comparable(entries)
    assert await store.open_queue([]) == []


async def test_a_proposal_queued_again_is_left_as_it_was(store: QuotaStore) -> None:
    s = seller()
    first = queued(s, "A", priority=1)
    await store.enqueue([first])
    await store.save([granted(first, 1)])
    again = dataclasses.replace(first, priority=9)
    await store.enqueue([again, again])
    assert await store.open_queue([s]) == []  # still granted: not open again


async def test_a_new_version_supersedes_the_open_one_but_not_a_decided_one(store: QuotaStore) -> None:
    s = seller()
    waiting, decided = queued(s, "W"), queued(s, "D")
    await store.enqueue([waiting, decided])
    await store.save([granted(decided, 1)])
    newer_w, newer_d = queued(s, "W"), queued(s, "D")
    await store.enqueue([newer_w, newer_d])
    assert {e.proposal_id for e in await store.open_queue([s])} == {newer_w.proposal_id, newer_d.proposal_id}
    # the decided one kept its grant: a grant of the newer one is a second grant of the listing, as before
    facts = await store.seller_facts([s], FactsWindow(SINCE, (WEEK,)))
    assert facts[s].created_per_week == {WEEK: 1}


async def test_two_versions_in_one_batch_are_both_queued(store: QuotaStore) -> None:
    s = seller()
    older = queued(s, "X")
    await store.enqueue([older])
    v1, v2 = queued(s, "X"), queued(s, "X")
    await store.enqueue([v1, v2])
    assert {e.proposal_id for e in await store.open_queue([s])} == {v1.proposal_id, v2.proposal_id}


async def test_decisions_leave_listings_granted_throttled_or_rejected(store: QuotaStore) -> None:
    s = seller()
    a, b, c = queued(s, "A"), queued(s, "B"), queued(s, "C")
    await store.enqueue([a, b, c])
    first_throttle = uuid.uuid4()
    await store.save([granted(a, 1), throttled(b, first_throttle), Decision(c, "rejected", WEEK, AT)])
    [still] = await store.open_queue([s])
    assert (still.proposal_id, still.status, still.throttled_id) == (b.proposal_id, "throttled", first_throttle)
    assert await store.throttled_counts([s, "nobody"]) == {s: 1, "nobody": 0}

    # looked at again and still throttled: the first throttle event id stays
    next_week = iso_week(next_week_start(AT))
    await store.save([throttled(still, None, week=next_week, at=next_week_start(AT))])
    [again] = await store.open_queue([s])
    assert again.throttled_id == first_throttle


async def test_sellers_to_release_are_those_throttled_in_an_earlier_week(store: QuotaStore) -> None:
    early, late, none = seller(), seller(), seller()
    entries = {s: queued(s, "T") for s in (early, late, none)}
    await store.enqueue(list(entries.values()))
    await store.save([throttled(entries[early], uuid.uuid4()), throttled(entries[late], uuid.uuid4())])
    await store.save([throttled(entries[late], None, week=iso_week(next_week_start(AT)))])
    next_week = iso_week(next_week_start(AT))
    found = await store.sellers_to_release(next_week, 1000)
    assert early in found and late not in found and none not in found
    assert found == sorted(found)
    assert early not in await store.sellers_to_release(WEEK, 1000)


async def test_a_grant_is_recorded_once_and_counted_per_week(store: QuotaStore) -> None:
    s = seller()
    entries = [queued(s, f"G-{i}") for i in range(3)]
    await store.enqueue(entries)
    last_week = previous_week(AT)
    await store.save([granted(entries[0], 1, week=last_week), granted(entries[1], 1), granted(entries[2], 2)])
    await store.save([granted(entries[2], 2)])
    window = FactsWindow(SINCE, (last_week, WEEK))
    facts = await store.seller_facts([s], window)
    assert facts[s].created_per_week == {last_week: 1, WEEK: 2}
    only_last = await store.seller_facts([s], FactsWindow(SINCE, (last_week,)))
    assert only_last[s].created_per_week == {last_week: 1}


async def test_sales_count_once_per_record_and_from_the_window_on(store: QuotaStore) -> None:
    s, quiet = seller(), seller()
    day = AT.date() - timedelta(days=5)
    records = [
        SaleRecord(f"r1-{s}", s, day, 2, Decimal("10.50")),
        SaleRecord(f"r2-{s}", s, day, 3, Decimal("1.25")),
        SaleRecord(f"r1-{s}", s, day, 100, Decimal("999")),  # the same record again: ignored
        SaleRecord(f"r3-{s}", s, SINCE - timedelta(days=1), 50, Decimal("5")),  # before the window
    ]
    await store.record_sales(records[:2])
    await store.record_sales(records[2:])
    facts = await store.seller_facts([s, quiet], FactsWindow(SINCE, ()))
    assert facts[s].sales.days == (DaySales(day, 5, Decimal("11.75")),)
    assert facts[quiet].sales.days == ()
    assert facts[quiet].created_per_week == {} and facts[quiet].restore is None


async def test_the_latest_restore_is_the_one_that_counts(store: QuotaStore) -> None:
    s = seller()
    older = OperatorRestore("op-1", "first", AT)
    newer = OperatorRestore("op-2", "second", AT + timedelta(hours=1))
    same_instant = OperatorRestore("op-3", "ignored", AT + timedelta(hours=1))
    await store.record_restores([RestoreRecord(s, newer), RestoreRecord(s, older)])
    await store.record_restores([RestoreRecord(s, same_instant)])
    facts = await store.seller_facts([s], FactsWindow(SINCE, ()))
    assert facts[s].restore == newer


async def test_locking_sellers_is_allowed_twice_in_a_transaction(store: QuotaStore) -> None:
    s = seller()
    await store.lock_sellers([s, seller(), s])
    await store.lock_sellers([s])
    await store.lock_sellers([])


# --- the counters ----------------------------------------------------------------------------------------


def asks(s: str, ids: list[str], limit: int, at: datetime = AT) -> list[GrantRequest]:
    return [GrantRequest(s, i, limit, at) for i in ids]


async def test_exactly_the_limit_is_granted_out_of_more_requests(counters: QuotaCounters) -> None:
    s = seller()
    results = await counters.grant_many(asks(s, [f"L{i}" for i in range(8)], 5))
    assert [r.status for r in results] == [GrantStatus.GRANTED] * 5 + [GrantStatus.OVER_LIMIT] * 3
    assert [r.unit for r in results] == [1, 2, 3, 4, 5, None, None, None]
    assert [r.used for r in results] == [1, 2, 3, 4, 5, 5, 5, 5]
    assert {r.week for r in results} == {WEEK}
    assert await counters.usage_many([(s, WEEK), (s, previous_week(AT))]) == {(s, WEEK): 5, (s, previous_week(AT)): 0}
    assert await counters.grant_many([]) == []


async def test_a_listing_named_again_takes_no_second_unit(counters: QuotaCounters) -> None:
    s = seller()
    first = await counters.grant_many(asks(s, ["a", "b", "a"], 3))
    assert [(r.status, r.unit) for r in first] == [
        (GrantStatus.GRANTED, 1),
        (GrantStatus.GRANTED, 2),
        (GrantStatus.ALREADY_GRANTED, 1),
    ]
    later = await counters.grant_many(asks(s, ["b", "c", "d"], 3, AT + timedelta(hours=5)))
    assert [(r.status, r.unit, r.used) for r in later] == [
        (GrantStatus.ALREADY_GRANTED, 2, None),
        (GrantStatus.GRANTED, 3, 3),
        (GrantStatus.OVER_LIMIT, None, 3),
    ]


async def test_holdings_replayed_on_a_copy_answer_what_the_counters_then_answer(counters: QuotaCounters) -> None:
    """What a preview relies on: reading the holdings takes nothing, and grants replayed on a copy of them answer
    exactly what the counters answer to the same requests (held units, this week's and last week's, the limit)."""
    s = seller()
    await counters.grant_many(asks(s, ["last"], 5, AT - timedelta(days=7)))
    await counters.grant_many(asks(s, ["a", "b"], 3))
    requests = asks(s, ["b", "last", "c", "d", "c"], 3, AT + timedelta(hours=1))
    before = await counters.usage_many([(s, WEEK)])
    holdings = await counters.holdings(requests)
    assert await counters.usage_many([(s, WEEK)]) == before == {(s, WEEK): 2}
    replayed = await InMemoryQuotaCounters.starting_from(holdings).grant_many(requests)
    assert await counters.usage_many([(s, WEEK)]) == before, "a replay takes no unit of the real counters"
    assert replayed == await counters.grant_many(requests)
    assert [r.status for r in replayed] == [
        GrantStatus.ALREADY_GRANTED,
        GrantStatus.ALREADY_GRANTED,
        GrantStatus.GRANTED,
        GrantStatus.OVER_LIMIT,
        GrantStatus.ALREADY_GRANTED,
    ]


async def test_over_the_limit_records_nothing(counters: QuotaCounters) -> None:
    s = seller()
    await counters.grant_many(asks(s, ["a"], 1))
    [over] = await counters.grant_many(asks(s, ["b"], 1))
    assert over.status is GrantStatus.OVER_LIMIT
    [raised] = await counters.grant_many(asks(s, ["b"], 2))  # the limit grew: b gets the next unit
    assert (raised.status, raised.unit) == (GrantStatus.GRANTED, 2)


async def test_a_grant_redelivered_in_the_next_week_is_recognised(counters: QuotaCounters) -> None:
    s = seller()
    sunday_night = next_week_start(AT) - timedelta(seconds=1)
    await counters.grant_many(asks(s, ["late"], 10, sunday_night))
    [monday] = await counters.grant_many(asks(s, ["late"], 10, next_week_start(AT) + timedelta(minutes=1)))
    assert (monday.status, monday.week, monday.unit) == (GrantStatus.ALREADY_GRANTED, WEEK, 1)
    assert await counters.usage_many([(s, iso_week(next_week_start(AT)))]) == {(s, iso_week(next_week_start(AT))): 0}


async def test_sellers_have_counters_of_their_own(counters: QuotaCounters) -> None:
    a, b = seller(), seller()
    results = await counters.grant_many([*asks(a, ["x", "y"], 1), *asks(b, ["x"], 1)])
    assert [(r.seller_id, r.status) for r in results] == [
        (a, GrantStatus.GRANTED),
        (a, GrantStatus.OVER_LIMIT),
        (b, GrantStatus.GRANTED),
    ]


# --- statements per batch --------------------------------------------------------------------------------


@dataclass
class Record:
    topic: str
    value: bytes = b"{}"
    key: bytes | None = None
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    partition: int = 0
    offset: int = 0


def brand_cleared(seller_id: str, sku: str) -> Incoming:
    listing = ListingBrandCleared.model_validate_json(body(seller_id, sku))
    envelope = Envelope(id=uuid.uuid4(), type=topics.LISTING_BRAND_CLEARED, source="/tests")
    return Incoming(Record(topics.LISTING_BRAND_CLEARED), envelope, listing)


async def statements(conn: asyncpg.Connection, run: Awaitable[object]) -> int:
    """How many statements ``run`` sends on ``conn``."""
    seen: list[object] = []
    conn.add_query_logger(seen.append)
    try:
        await run
    finally:
        conn.remove_query_logger(seen.append)
    return len(seen)


async def test_a_batch_costs_the_same_statements_whatever_its_size(pool: asyncpg.Pool) -> None:
    clock = FixedClock(AT)
    handler = QuotaHandler(InMemoryQuotaCounters(), QuotaSettings(), clock)
    async with pool.acquire() as conn:
        await migrated(conn)
        transaction = conn.transaction()
        await transaction.start()
        try:
            store = PostgresQuotaStore(conn)
            await handler.handle(store, [brand_cleared(seller(), "WARM-UP")])  # types are introspected once
            one = await statements(conn, handler.handle(store, [brand_cleared(seller(), "ONE")]))
            many = [brand_cleared(seller(), f"MANY-{i}") for i in range(200)]  # 200 sellers, a listing each
            assert await statements(conn, handler.handle(store, many)) == one
            crowded = seller()  # 200 listings of one seller: 20 granted, 180 throttled
            crowd = [brand_cleared(crowded, f"C-{i}") for i in range(200)]
            assert await statements(conn, handler.handle(store, crowd)) == one
            clock.set(next_week_start(AT))  # the tick: find the sellers instead of queueing what arrived
            assert await statements(conn, handler.release(store)) == one - 1
        finally:
            await transaction.rollback()
