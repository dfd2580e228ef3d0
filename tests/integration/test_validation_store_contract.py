"""One contract for the identifier-validation service's storage port, run against PostgreSQL and the in-memory
fake.

PostgreSQL: the service's migrations are applied first (idempotent), each test runs in a transaction rolled
back at its end. Also: the handler's statements per batch do not grow with the batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from asinflow_contracts import topics
from asinflow_contracts.events import ListingProposed
from asinflow_contracts.ids import listing_id
from asinflow_identifier_validation import handlers
from asinflow_identifier_validation.adapters.memory import InMemoryValidationStore
from asinflow_identifier_validation.adapters.postgres import PostgresValidationStore
from asinflow_identifier_validation.app import SPEC
from asinflow_identifier_validation.handlers import ValidationHandler
from asinflow_identifier_validation.store import (
    DecisionRecord,
    Exemption,
    ExemptionRecord,
    FamilyRecord,
    ValidationStore,
    WaitingChild,
)
from asinflow_runtime.db import migrate, reliability_migrations
from asinflow_runtime.messages import Incoming

from tests.unit.validation.builders import child, granted, parent, proposal, proposed, revoked

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "postgres"])
def backend(request: pytest.FixtureRequest) -> asyncpg.Pool | None:
    """The session's database for ``postgres`` (the stack starts only when a test needs it)."""
    return request.getfixturevalue("pool") if request.param == "postgres" else None


@pytest.fixture
async def store(backend: asyncpg.Pool | None) -> AsyncIterator[ValidationStore]:
    if backend is None:
        yield InMemoryValidationStore()
        return
    async with backend.acquire() as conn:
        await migrate(conn, SPEC.schema, [*reliability_migrations(), *SPEC.migrations])
        tx = conn.transaction()
        await tx.start()
        try:
            yield PostgresValidationStore(conn)
        finally:
            await tx.rollback()


def seller() -> str:
    return f"S-{uuid.uuid4().hex[:10]}"


def member(seller_id: str, sku: str, parent_sku: str | None = None, gtin14: str | None = None) -> FamilyRecord:
    variation = {"parent_sku": parent_sku, "theme": "Color", "attributes": {"Color": sku}} if parent_sku else None
    data = proposal(seller_id, sku, variation=variation)
    return FamilyRecord(seller_id, sku, parent_sku, ListingProposed.model_validate(data), gtin14)


def waiting(seller_id: str, sku: str, parent_sku: str) -> WaitingChild:
    body = proposed(child(seller_id, sku, sku, 1, parent_sku)).record.value
    return WaitingChild(uuid.uuid4(), topics.LISTING_PROPOSED, seller_id, sku, parent_sku, body)


def by_sku(children: list[WaitingChild]) -> list[WaitingChild]:
    return sorted(children, key=lambda c: c.sku)


async def test_nothing_is_found_for_unknown_keys(store: ValidationStore) -> None:
    s = seller()
    assert await store.exemptions([f"EX-{s}"]) == {}
    assert await store.family([(s, "A")], [(s, "A")]) == []
    assert await store.latest_rejected([listing_id(s, "A")]) == set()
    assert await store.waiting_children([(s, "A")]) == []
    assert await store.exemptions([]) == {} and await store.waiting_children([]) == []


async def test_the_exemption_change_made_last_is_kept(store: ValidationStore) -> None:
    ex = f"EX-{uuid.uuid4().hex[:8]}"
    grant = ExemptionRecord(Exemption(ex, "Hearth & Loom", "RUG-1", "S-1"), True, T0)
    revoke = ExemptionRecord(Exemption(ex, "Hearth & Loom"), False, T0 + timedelta(hours=1))

    await store.save_exemptions([grant])
    assert await store.exemptions([ex, "EX-NONE"]) == {ex: grant}
    await store.save_exemptions([revoke])
    await store.save_exemptions([grant])  # made earlier: arrives late, changes nothing

    assert await store.exemptions([ex]) == {ex: revoke}


async def test_family_members_and_children_of_parents_are_found(store: ValidationStore) -> None:
    s, other = seller(), seller()
    top, red, blue, alone, elsewhere = (
        member(s, "P"),
        member(s, "RED", "P", "00036000291452"),
        member(s, "BLUE", "P"),
        member(s, "ALONE"),
        member(other, "RED", "P"),
    )
    await store.save_family([top, red, blue, alone, elsewhere])

    found = await store.family([(s, "P")], [(s, "P")])
    assert sorted(found, key=lambda r: r.sku) == [blue, top, red]
    assert await store.family([(s, "ALONE")], []) == [alone]
    assert await store.family([], [(s, "ALONE")]) == []


async def test_the_latest_family_record_of_a_listing_wins(store: ValidationStore) -> None:
    s = seller()
    first, second, third = member(s, "A", "P"), member(s, "A", "Q", "00036000291452"), member(s, "A")

    await store.save_family([first, second])
    await store.save_family([third])

    assert await store.family([(s, "A")], [(s, "P"), (s, "Q")]) == [third]


async def test_latest_rejected_names_listings_whose_proposal_was_rejected(store: ValidationStore) -> None:
    s = seller()
    rejected, validated = listing_id(s, "A"), listing_id(s, "B")
    first = DecisionRecord(uuid.uuid4(), rejected, topics.LISTING_REJECTED, "IDENTIFIER_MISSING")

    await store.save_decisions([first, DecisionRecord(uuid.uuid4(), validated, topics.LISTING_VALIDATED, None)])
    await store.save_decisions([DecisionRecord(first.proposal_id, rejected, topics.LISTING_VALIDATED, None)])  # kept

    assert await store.latest_rejected([rejected, validated, listing_id(s, "C")]) == {rejected}


async def test_waiting_children_of_parents_and_their_own_children(store: ValidationStore) -> None:
    s = seller()
    black, white, large, other = (
        waiting(s, "BLK", "P"),
        waiting(s, "WHT", "P"),
        waiting(s, "BLK-L", "BLK"),
        waiting(s, "X", "Q"),
    )
    await store.park_children([black, white, large, other])
    await store.park_children([WaitingChild(black.event_id, "other", s, "BLK", "Z", b"{}")])  # kept as it was

    assert by_sku(await store.waiting_children([(s, "P")])) == [black, large, white]
    assert await store.waiting_children([(s, "BLK")]) == [large]
    assert await store.waiting_children([(seller(), "P")]) == []


async def test_released_children_leave_the_waiting_room(store: ValidationStore) -> None:
    s = seller()
    black, white = waiting(s, "BLK", "P"), waiting(s, "WHT", "P")
    await store.park_children([black, white])

    await store.release_children([black.event_id, uuid.uuid4()])

    assert await store.waiting_children([(s, "P")]) == [white]


async def test_expired_children_are_taken_out(store: ValidationStore) -> None:
    s = seller()
    black, white = waiting(s, "BLK", "P"), waiting(s, "WHT", "P")
    await store.park_children([black, white])
    assert await store.take_expired_children(600) == []

    taken = await store.take_expired_children(-1)  # everything parked until a second from now

    assert [c for c in by_sku(taken) if c.seller_id == s] == [black, white]
    assert await store.waiting_children([(s, "P")]) == []


@contextlib.asynccontextmanager
async def statement_log(conn: asyncpg.Connection) -> AsyncIterator[list[str]]:
    """The statements the connection runs meanwhile (asyncpg calls query loggers soon after each one)."""
    queries: list[str] = []
    with conn.query_logger(lambda record: queries.append(record.query)):
        yield queries
        await asyncio.sleep(0)


Batches = Callable[[str, int], tuple[list[Incoming], list[Incoming]]]  # (before, measured) for listing i

KINDS: dict[str, Batches] = {
    "valid": lambda s, i: ([], [proposed(proposal(s, f"SKU-{i}"))]),
    "rejected": lambda s, i: (
        [],
        [proposed(proposal(s, f"SKU-{i}", identifiers=[{"type": "UPC", "value": "036000291453"}]))],
    ),
    "child waiting": lambda s, i: ([], [proposed(child(s, f"C-{i}", "Black", i, parent_sku=f"P-{i}"))]),
    "parent releasing children": lambda s, i: (
        [proposed(child(s, f"C-{i}", "Black", i, parent_sku=f"P-{i}")), proposed(child(s, f"G-{i}", "L", i, f"C-{i}"))],
        [proposed(parent(s, f"P-{i}"))],
    ),
    "exempted": lambda s, i: (
        [],
        [
            granted(f"EX-{s}-{i}", "Rugs", T0),
            proposed(proposal(s, f"R-{i}", brand="Rugs", identifiers=[], exemption_id=f"EX-{s}-{i}")),
        ],
    ),
    "live parent changed": lambda s, i: (
        [proposed(parent(s, f"P-{i}")), proposed(child(s, f"C-{i}", "Red", i, parent_sku=f"P-{i}"))],
        [proposed(parent(s, f"P-{i}", variation={"theme": "Size"}, batch_id="second"))],
    ),
}


async def statements(pool: asyncpg.Pool, size: int, kinds: list[str]) -> int:
    """Statements the handler runs on PostgreSQL for a batch of ``size`` listings of these kinds, in turn."""
    async with pool.acquire() as conn:
        await migrate(conn, SPEC.schema, [*reliability_migrations(), *SPEC.migrations])
        tx = conn.transaction()
        await tx.start()
        try:
            store, handler = PostgresValidationStore(conn), ValidationHandler()
            for n in (len(kinds), size):  # the first time: asyncpg's own type introspection, not counted
                s = seller()
                made = [KINDS[kinds[i % len(kinds)]](s, i) for i in range(n)]
                await handler.handle(store, [item for before, _ in made for item in before])
                async with statement_log(conn) as queries:
                    events = await handler.handle(store, [item for _, measured in made for item in measured])
                assert len(events) >= (0 if kinds == ["child waiting"] else n)
            return len(queries)
        finally:
            await tx.rollback()


@pytest.mark.parametrize("kind", list(KINDS))
async def test_the_handlers_statements_do_not_grow_with_the_batch(pool: asyncpg.Pool, kind: str) -> None:
    assert await statements(pool, 1, [kind]) == await statements(pool, 200, [kind])


async def test_a_mixed_batch_takes_one_statement_per_kind_of_data(pool: asyncpg.Pool) -> None:
    kinds = list(KINDS)
    # loads: waiting children, exemptions, families, latest decisions; writes: exemptions, decisions, families,
    # children parked, children released
    assert await statements(pool, len(kinds), kinds) == await statements(pool, 200, kinds) == 9


async def test_the_ticks_statements_do_not_grow_with_the_children_expired(
    pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handlers, "PARENT_WAIT_S", -1.0)  # everything parked has waited too long
    counts = []
    async with pool.acquire() as conn:
        await migrate(conn, SPEC.schema, [*reliability_migrations(), *SPEC.migrations])
        for size in (1, 1, 200):  # the first time: asyncpg's own type introspection, not counted
            tx = conn.transaction()
            await tx.start()
            try:
                store, s = PostgresValidationStore(conn), seller()
                await store.park_children([waiting(s, f"C-{i}", "P") for i in range(size)])
                async with statement_log(conn) as queries:
                    events = await ValidationHandler().expire(store)
                assert len([e for e in events if e.payload.seller_id == s]) == size  # type: ignore[union-attr]
                counts.append(len(queries))
            finally:
                await tx.rollback()
    assert counts[1] == counts[2] == 2, counts  # take the expired children, record the rejections


async def test_a_copy_made_before_changes_were_dated_is_older_than_any_change(pool: asyncpg.Pool) -> None:
    """Rows kept from before migration 0003 have ``changed_at = -infinity``: any grant or revocation wins."""
    ex = f"EX-{uuid.uuid4().hex[:8]}"
    async with pool.acquire() as conn:
        await migrate(conn, SPEC.schema, [*reliability_migrations(), *SPEC.migrations])
        tx = conn.transaction()
        await tx.start()
        try:
            await conn.execute(
                "INSERT INTO identifier_validation.exemptions (exemption_id, brand) VALUES ($1, 'Hearth & Loom')", ex
            )
            store = PostgresValidationStore(conn)

            await ValidationHandler().handle(store, [revoked(ex, "Hearth & Loom", T0)])

            assert not (await store.exemptions([ex]))[ex].active
        finally:
            await tx.rollback()
