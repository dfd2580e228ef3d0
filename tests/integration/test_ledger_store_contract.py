"""One contract for the lifecycle ledger's store, run against the fake (``memory``) and PostgreSQL (``postgres``,
in a transaction rolled back after each test). And: a batch costs the same number of statements whatever its
size, including the parked events it releases."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator, Awaitable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from asinflow_contracts import topics
from asinflow_contracts.ids import listing_id
from asinflow_contracts.state_machine import ListingState
from asinflow_lifecycle_ledger.adapters.memory import InMemoryLedgerStore
from asinflow_lifecycle_ledger.adapters.postgres import PostgresLedgerStore
from asinflow_lifecycle_ledger.app import SPEC
from asinflow_lifecycle_ledger.domain.book import Book, LedgerEvent
from asinflow_lifecycle_ledger.handlers import LedgerHandler
from asinflow_lifecycle_ledger.store import LedgerStore
from asinflow_runtime.db import migrate, reliability_migrations
from asinflow_runtime.intake import receive

from tests.unit.ledger.listing_events import Record, Version

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


async def migrated(conn: asyncpg.Connection) -> None:
    await migrate(conn, SPEC.schema, [*reliability_migrations(), *SPEC.migrations])


@pytest.fixture(params=["memory", "postgres"])
async def store(request: pytest.FixtureRequest, pool: asyncpg.Pool) -> AsyncIterator[LedgerStore]:
    if request.param == "memory":
        yield InMemoryLedgerStore()
        return
    async with pool.acquire() as conn:
        await migrated(conn)
        transaction = conn.transaction()
        await transaction.start()
        try:
            yield PostgresLedgerStore(conn)
        finally:
            await transaction.rollback()


def proposal(sku: str = "SKU-1") -> LedgerEvent:
    seller = f"S-{uuid.uuid4().hex[:8]}"
    event_id = uuid.uuid4()
    return LedgerEvent(
        event_id, topics.LISTING_PROPOSED, listing_id(seller, sku), seller, sku, event_id, T0, {}, None, None, "feed-1"
    )


def caused(cause: LedgerEvent, event_type: str, payload: dict[str, object] | None = None) -> LedgerEvent:
    return LedgerEvent(
        event_id=uuid.uuid4(),
        event_type=event_type,
        listing_id=cause.listing_id,
        seller_id=cause.seller_id,
        sku=cause.sku,
        proposal_id=cause.proposal_id,
        at=cause.at + timedelta(seconds=1),
        payload=payload or {},
        causation_id=cause.event_id,
        causation_type=cause.event_type,
        batch_id=cause.batch_id,
    )


async def book_of(store: LedgerStore, events: list[LedgerEvent], ids: set[uuid.UUID] | None = None) -> Book:
    """A book loaded the way the handler loads one, with ``events`` applied."""
    listings = {e.listing_id for e in events}
    parked = await store.parked_behind([e.event_id for e in events])
    causes = {e.proposal_id for e in events} | {e.causation_id for e in events if e.causation_id} | (ids or set())
    book = Book(versions=await store.versions(listings), applied=await store.applied(causes))
    book.resume((p.waiting_for, p.event) for p in parked)
    for event in events:
        book.apply(event)
    return book


async def test_a_saved_version_comes_back_as_it_was_saved(store: LedgerStore) -> None:
    p = proposal()
    v = caused(p, topics.LISTING_VALIDATED, {"warnings": [{"code": "BRAND_NEAR_MISS", "severity": "WARNING"}]})
    await store.save(await book_of(store, [p, v]))
    [saved] = (await store.versions([p.listing_id, uuid.uuid4()]))[p.listing_id]
    assert (saved.listing_id, saved.seller_id, saved.sku, saved.version, saved.proposal_id) == (
        p.listing_id,
        p.seller_id,
        p.sku,
        1,
        p.event_id,
    )
    assert (saved.state, saved.batch_id, saved.asin, saved.updated_at, saved.dirty) == (
        ListingState.VALIDATED,
        "feed-1",
        None,
        v.at,
        False,
    )
    assert saved.issues == [{"code": "BRAND_NEAR_MISS", "severity": "WARNING"}]
    assert await store.versions([]) == {}


async def test_a_later_batch_updates_state_asin_and_issues_of_a_version(store: LedgerStore) -> None:
    p = proposal()
    v = caused(p, topics.LISTING_VALIDATED)
    await store.save(await book_of(store, [p, v]))
    c = caused(v, topics.LISTING_CREATED, {"asin": "B0CONTRACT"})
    await store.save(await book_of(store, [c]))
    [saved] = (await store.versions([p.listing_id]))[p.listing_id]
    assert (saved.state, saved.asin, saved.updated_at, saved.proposal_id) == (
        ListingState.CREATED,
        "B0CONTRACT",
        c.at,
        p.event_id,
    )


async def test_versions_of_a_listing_come_back_oldest_first(store: LedgerStore) -> None:
    first = proposal()
    second = LedgerEvent(
        uuid.uuid4(), topics.LISTING_PROPOSED, first.listing_id, first.seller_id, first.sku, uuid.uuid4(), T0, {}
    )
    second = dataclasses.replace(second, proposal_id=second.event_id, batch_id="feed-2")
    await store.save(await book_of(store, [first]))
    await store.save(await book_of(store, [second]))
    versions = (await store.versions([first.listing_id]))[first.listing_id]
    assert [(v.version, v.proposal_id, v.batch_id) for v in versions] == [
        (1, first.event_id, "feed-1"),
        (2, second.event_id, "feed-2"),
    ]


async def test_applied_events_are_those_in_the_history_legal_or_not(store: LedgerStore) -> None:
    p = proposal()
    bad = caused(p, topics.LISTING_ACTIVATED)  # illegal from proposed: recorded, not applied to the state
    book = await book_of(store, [p, bad])
    assert [h.legal for h in book.history] == [True, False]
    await store.save(book)
    assert await store.applied([p.event_id, bad.event_id, uuid.uuid4()]) == {p.event_id, bad.event_id}
    assert await store.applied([]) == set()


async def test_parked_events_are_found_behind_their_cause_however_long_the_chain(store: LedgerStore) -> None:
    p = proposal()
    v = caused(p, topics.LISTING_VALIDATED)
    m = caused(v, topics.LISTING_MATCHED)
    b = caused(m, topics.LISTING_BRAND_CLEARED)
    other = caused(proposal("OTHER"), topics.LISTING_VALIDATED)
    for event in (b, m, v, other):  # one batch each, backwards: each waits for its cause
        await store.save(await book_of(store, [event]))
    behind = await store.parked_behind([p.event_id])
    assert [(x.event.event_id, x.waiting_for) for x in behind] == [
        (b.event_id, m.event_id),
        (m.event_id, v.event_id),
        (v.event_id, p.event_id),
    ]
    assert behind[0].event == b  # the whole event comes back
    assert [x.event.event_id for x in await store.parked_behind([m.event_id])] == [b.event_id]
    assert await store.parked_behind([uuid.uuid4()]) == []
    assert await store.parked_behind([]) == []


async def test_released_events_leave_the_parking_and_reparked_ones_wait_for_their_new_cause(
    store: LedgerStore,
) -> None:
    p = proposal()
    v = caused(p, topics.LISTING_VALIDATED)
    m = caused(v, topics.LISTING_MATCHED)
    await store.save(await book_of(store, [m]))  # waits for validated
    await store.save(await book_of(store, [v]))  # waits for the proposal
    book = await book_of(store, [p])
    assert book.unparked == [v.event_id, m.event_id]
    await store.save(book)
    assert await store.parked_behind([p.event_id, v.event_id]) == []
    assert await store.applied([p.event_id, v.event_id, m.event_id]) == {p.event_id, v.event_id, m.event_id}

    # released by its cause, an event whose own version is unknown is parked again, on its proposal
    q = proposal()
    w = caused(q, topics.LISTING_VALIDATED)
    r = uuid.uuid4()  # the proposal of a version the ledger has not seen
    x = dataclasses.replace(caused(w, topics.LISTING_MATCHED), proposal_id=r)
    await store.save(await book_of(store, [x]))  # waits for w
    book = await book_of(store, [q, w])
    assert book.unparked == [x.event_id] and book.parked == [(r, x)]
    await store.save(book)
    assert [(y.event.event_id, y.waiting_for) for y in await store.parked_behind([r])] == [(x.event_id, r)]
    assert await store.parked_behind([w.event_id]) == []


async def test_an_event_parked_again_while_still_parked_keeps_its_first_place(store: LedgerStore) -> None:
    p = proposal()
    v = caused(p, topics.LISTING_VALIDATED)
    await store.save(await book_of(store, [v]))
    [first] = await store.parked_behind([p.event_id])
    book = Book(versions={}, applied=set())
    book.apply(caused(p, topics.LISTING_MATCHED))
    book.apply(v)  # the same event, parked by another book (a replay)
    await store.save(book)
    [again] = [x for x in await store.parked_behind([p.event_id]) if x.event.event_id == v.event_id]
    assert again == first


async def test_orphans_are_marked_once(store: LedgerStore) -> None:
    p = proposal()
    v = caused(p, topics.LISTING_VALIDATED)
    await store.save(await book_of(store, [v]))
    assert await store.mark_orphans(3600) == []
    [orphan] = await store.mark_orphans(-1)  # parked before now + 1 s
    assert (orphan.event.event_id, orphan.waiting_for) == (v.event_id, p.event_id)
    assert v.event_id not in [o.event.event_id for o in await store.mark_orphans(-1)]
    assert [x.event.event_id for x in await store.parked_behind([p.event_id])] == [v.event_id]  # still parked


async def test_the_last_issue_notice_of_each_listing_is_kept_and_replaced(store: LedgerStore) -> None:
    p, quiet = proposal(), proposal("SKU-Q")
    error = {"code": "IDENTIFIER_INVALID_CHECKSUM", "severity": "ERROR", "category": "INVALID_ATTRIBUTE"}
    rejected = caused(p, topics.LISTING_REJECTED, {"issues": [error]})
    book = await book_of(store, [p, rejected, quiet])
    await store.save(book)
    assert await store.notices([]) == {}
    [first] = (await store.notices([p.listing_id, quiet.listing_id, uuid.uuid4()])).values()
    assert first == book.notices[p.listing_id]
    assert (first.listing_id, first.seller_id, first.sku, first.version, first.asin) == (
        p.listing_id,
        p.seller_id,
        p.sku,
        1,
        None,
    )
    assert (first.severities, first.actions, first.sequence) == (("ERROR",), (), 1)

    # a new version without issues: the notice is replaced (empty sets; the arrays come back empty, not NULL)
    second = proposal(p.sku)
    second = dataclasses.replace(second, listing_id=p.listing_id, seller_id=p.seller_id)
    book = Book(
        versions=await store.versions([p.listing_id]), applied=set(), notices=await store.notices([p.listing_id])
    )
    book.apply(second)
    await store.save(book)
    [now] = (await store.notices([p.listing_id])).values()
    assert (now.version, now.severities, now.actions, now.sequence) == (2, (), (), 2)

    # several actions, in their order, and an ASIN
    later = dataclasses.replace(now, actions=("LISTING_SUPPRESSED", "SEARCH_SUPPRESSED"), asin="B0CONTRACT", sequence=3)
    book = Book(versions={}, applied=set())
    book.issue_notices.append((later, second))
    await store.save(book)
    assert (await store.notices([p.listing_id]))[p.listing_id] == later


async def test_locking_listings_is_allowed_twice_in_a_transaction(store: LedgerStore) -> None:
    ids = [uuid.uuid4(), uuid.uuid4()]
    await store.lock_listings(ids)
    await store.lock_listings(ids[:1])
    await store.lock_listings([])


# --- statements per batch --------------------------------------------------------------------------------


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
    handler = LedgerHandler()

    def items(records: list[Record]) -> list[object]:
        return [handler.parse(receive(r)) for r in records]

    def versions(n: int) -> list[Version]:
        return [Version(f"S-{uuid.uuid4().hex[:8]}", f"SKU-{i}") for i in range(n)]

    async with pool.acquire() as conn:
        await migrated(conn)
        transaction = conn.transaction()
        await transaction.start()
        try:
            store = PostgresLedgerStore(conn)

            async def count(records: list[Record]) -> int:
                return await statements(conn, handler.handle(store, items(records)))  # type: ignore[arg-type]

            await count([r for v in versions(2) for r in v.chain(topics.LISTING_VALIDATED)])  # warm-up
            one = await count([versions(1)[0].proposed])
            assert await count([v.proposed for v in versions(200)]) == one  # 200 listings
            steps = (topics.LISTING_VALIDATED, topics.LISTING_UNMATCHED, topics.LISTING_BRAND_CLEARED)
            assert await count([r for v in versions(200) for r in v.chain(*steps)]) == one  # 800 events

            # parked in one batch, released by the next: the same statements for 1 chain or 150
            lone = versions(1)[0]
            lone_chain = lone.chain(*steps)
            await count(lone_chain[1:])
            released_one = await count(lone_chain[:1])
            many = versions(150)
            chains = [v.chain(*steps) for v in many]
            await count([r for c in chains for r in c[1:]])
            assert await count([c[0] for c in chains]) == released_one
            assert released_one == one + 1  # and one statement to take the released events out of the parking
            state = await conn.fetchval(
                "SELECT count(*) FROM ledger.versions WHERE listing_id = ANY($1::uuid[]) AND state = 'validated'",
                [v.listing_id for v in many],
            )
            assert state == 150
        finally:
            await transaction.rollback()
