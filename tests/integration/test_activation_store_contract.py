"""One contract for the activation service's storage port, run against PostgreSQL and the in-memory fake.

PostgreSQL: the service's migrations are applied first (idempotent), each test runs in a transaction rolled
back at its end. Also: the handler's statements per batch do not grow with the batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import date

import asyncpg
import pytest
from asinflow_activation.adapters.memory import InMemoryActivationStore
from asinflow_activation.adapters.postgres import PostgresActivationStore
from asinflow_activation.app import SPEC
from asinflow_activation.handlers import ActivationHandler
from asinflow_activation.store import (
    ActivationStore,
    ListingStatus,
    NewRequest,
    RefusalRecord,
    Request,
    RequestDecision,
    Resolution,
    Violation,
)
from asinflow_contracts.events import Enforcement, Scope, ViolationKind
from asinflow_contracts.ids import listing_id
from asinflow_contracts.state_machine import ListingState
from asinflow_runtime.db import migrate, reliability_migrations
from pydantic import BaseModel

from tests.unit.activation.builders import TODAY, created, decision, incoming, request, stock, violation

pytestmark = pytest.mark.integration


@pytest.fixture(params=["memory", "postgres"])
def backend(request: pytest.FixtureRequest) -> asyncpg.Pool | None:
    """The session's database for ``postgres`` (the stack starts only when a test needs it)."""
    return request.getfixturevalue("pool") if request.param == "postgres" else None


@pytest.fixture
async def store(backend: asyncpg.Pool | None) -> AsyncIterator[ActivationStore]:
    if backend is None:
        yield InMemoryActivationStore()
        return
    async with backend.acquire() as conn:
        await migrate(conn, SPEC.schema, [*reliability_migrations(), *SPEC.migrations])
        tx = conn.transaction()
        await tx.start()
        try:
            yield PostgresActivationStore(conn)
        finally:
            await tx.rollback()


def seller() -> str:
    return f"S-{uuid.uuid4().hex[:10]}"


def asin() -> str:
    return "B0" + uuid.uuid4().hex[:8].upper()


def status(seller_id: str, sku: str, on: str, state: ListingState = ListingState.ACTIVE) -> ListingStatus:
    return ListingStatus(
        listing_id=listing_id(seller_id, sku),
        seller_id=seller_id,
        sku=sku,
        proposal_id=uuid.uuid4(),
        asin=on,
        state=state,
        quantity=None,
        last_event_id=uuid.uuid4(),
        last_event_type="asinflow.listing.activated.v1",
        sequence=1,
    )


def report(violation_id: str, scope: Scope = Scope.LISTING, exempt_until: date | None = None) -> Violation:
    return Violation(
        violation_id=violation_id,
        kind=ViolationKind.COUNTERFEIT,
        enforcement=Enforcement.CATALOG_ITEM_REMOVED if scope == Scope.ASIN else Enforcement.LISTING_SUPPRESSED,
        scope=scope,
        reporter="brand protection",
        evidence=("test buy order 114-2291", "photo"),
        exempt_until=exempt_until,
    )


async def test_nothing_is_found_for_unknown_keys(store: ActivationStore) -> None:
    lid = uuid.uuid4()
    await store.lock([lid])
    assert await store.statuses([lid]) == {}
    assert await store.stock([lid]) == {}
    assert await store.listings_of_asins([asin()]) == {}
    assert await store.open_asin_violations([asin()]) == {}
    assert await store.requests(["R-none"]) == {}
    assert await store.refusals([lid]) == {}


async def test_saved_statuses_come_back_with_their_stock_and_open_violations(store: ActivationStore) -> None:
    s, on = seller(), asin()
    one, two = status(s, "SKU-1", on), status(s, "SKU-2", on, ListingState.INACTIVE)
    await store.save_statuses([one, two])
    await store.save_stock({one.listing_id: 5})
    await store.add_violations([(one.listing_id, report("V-1", exempt_until=date(2027, 1, 1)))])

    loaded = await store.statuses([one.listing_id, two.listing_id, uuid.uuid4()])

    assert loaded == {
        one.listing_id: dataclasses.replace(
            one, quantity=5, violations={"V-1": report("V-1", exempt_until=date(2027, 1, 1))}
        ),
        two.listing_id: two,
    }
    assert {k: sorted(v) for k, v in (await store.listings_of_asins([on])).items()} == {
        on: sorted([one.listing_id, two.listing_id])
    }


async def test_a_status_saved_again_replaces_the_state_but_not_the_listing(store: ActivationStore) -> None:
    s, first, second = seller(), asin(), asin()
    old = status(s, "SKU-1", first)
    await store.save_statuses([old])
    new = dataclasses.replace(
        old, sku="OTHER", asin=second, state=ListingState.SUPPRESSED, proposal_id=uuid.uuid4(), sequence=4
    )

    await store.save_statuses([new])

    assert (await store.statuses([old.listing_id]))[old.listing_id] == dataclasses.replace(new, sku="SKU-1")
    assert await store.listings_of_asins([first, second]) == {second: [old.listing_id]}


async def test_loaded_statuses_are_fresh_objects(store: ActivationStore) -> None:
    one = status(seller(), "SKU-1", asin())
    await store.save_statuses([one])

    loaded = (await store.statuses([one.listing_id]))[one.listing_id]
    loaded.state, loaded.sequence = ListingState.INACTIVE, 9
    loaded.violations["V-X"] = report("V-X")

    assert await store.statuses([one.listing_id]) == {one.listing_id: one}


async def test_stock_is_kept_for_listings_not_created_and_replaced(store: ActivationStore) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    await store.save_stock({a: 3, b: 0})
    await store.save_stock({a: 0})

    assert await store.stock([a, b, uuid.uuid4()]) == {a: 0, b: 0}


async def test_a_violation_recorded_is_kept_as_it_is(store: ActivationStore) -> None:
    one = status(seller(), "SKU-1", asin())
    await store.save_statuses([one])
    await store.add_violations([(one.listing_id, report("V-1"))])

    await store.add_violations([(one.listing_id, dataclasses.replace(report("V-1"), reporter="someone else"))])

    assert (await store.statuses([one.listing_id]))[one.listing_id].violations == {"V-1": report("V-1")}


async def test_asin_level_violations_are_open_until_resolved_on_every_listing(store: ActivationStore) -> None:
    s, on, other = seller(), asin(), asin()
    one, two = status(s, "SKU-1", on), status(s, "SKU-2", on)
    await store.save_statuses([one, two])
    removal = report(f"V-{s}", Scope.ASIN)
    await store.add_asin_violations(
        [(on, removal), (on, dataclasses.replace(removal, reporter="x")), (other, report("V-O", Scope.ASIN))]
    )
    await store.add_violations([(one.listing_id, removal), (two.listing_id, removal)])
    assert await store.open_asin_violations([on]) == {on: [removal]}

    await store.resolve([Resolution(one.listing_id, removal.violation_id, "R-1")])

    assert await store.open_asin_violations([on]) == {on: [removal]}  # still open on the other listing
    assert (await store.statuses([one.listing_id]))[one.listing_id].violations == {}

    await store.resolve([Resolution(two.listing_id, removal.violation_id, "R-2")])

    assert await store.open_asin_violations([on, other]) == {other: [report("V-O", Scope.ASIN)]}
    assert (await store.statuses([two.listing_id]))[two.listing_id].violations == {}


async def test_resolving_one_violation_leaves_the_others_open(store: ActivationStore) -> None:
    one = status(seller(), "SKU-1", asin())
    await store.save_statuses([one])
    await store.add_violations([(one.listing_id, report("V-1")), (one.listing_id, report("V-2"))])

    await store.resolve([Resolution(one.listing_id, "V-1", "R-1"), Resolution(uuid.uuid4(), "V-2", "R-1")])

    assert (await store.statuses([one.listing_id]))[one.listing_id].violations == {"V-2": report("V-2")}


async def test_requests_are_recorded_once_then_decided(store: ActivationStore) -> None:
    lid, rid = uuid.uuid4(), f"R-{uuid.uuid4().hex[:8]}"
    pending = Request(rid, lid, ["V-1", "V-2"], "removed the lot; invoices from the brand", "PENDING")
    await store.add_requests([NewRequest(pending, ["invoice"])])
    await store.add_requests([NewRequest(dataclasses.replace(pending, status="REFUSED"), [])])
    assert await store.requests([rid, "R-none"]) == {rid: pending}

    await store.decide_requests([RequestDecision(rid, "APPROVED", "ops@asinflow", "ok")])

    assert await store.requests([rid]) == {rid: dataclasses.replace(pending, status="APPROVED")}


async def test_refusals_come_back_oldest_first(store: ActivationStore) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    refusals = [
        RefusalRecord(a, uuid.uuid4(), "asinflow.listing.activated.v1", "suppressed", "restocked, but suppressed"),
        RefusalRecord(b, uuid.uuid4(), "asinflow.listing.reactivated.v1", None, "no such listing in the catalog"),
        RefusalRecord(a, uuid.uuid4(), "asinflow.listing.reactivated.v1", "active", "nothing to reactivate"),
    ]

    await store.add_refusals(refusals)

    assert await store.refusals([a, b]) == {a: [refusals[0], refusals[2]], b: [refusals[1]]}


@contextlib.asynccontextmanager
async def statement_log(conn: asyncpg.Connection) -> AsyncIterator[list[str]]:
    """The statements the connection runs meanwhile (asyncpg calls query loggers soon after each one)."""
    queries: list[str] = []
    with conn.query_logger(lambda record: queries.append(record.query)):
        yield queries
        await asyncio.sleep(0)


def _lifecycle(s: str, i: int, shared: str) -> list[BaseModel]:
    """Events of one listing that exercise every kind of data, in one batch."""
    sku = f"SKU-{i}"
    return [
        created(s, sku, asin=shared, quantity=0),
        stock(s, sku, 3),
        violation(f"V-{s}-{i}", s, sku),
        request(f"R-{s}-{i}", s, sku),
        decision(f"R-{s}-{i}", s, sku),
        violation(f"VA-{s}-{i}", asin=shared),
        request(f"RR-{s}-{i}", s, f"NONE-{i}"),  # refused: no such listing
    ]


KINDS: dict[str, Callable[[str, int, str], list[BaseModel]]] = {
    "created": lambda s, i, shared: [created(s, f"SKU-{i}", asin=shared)],
    "stock": lambda s, i, shared: [stock(s, f"SKU-{i}", 7)],
    "listing violation": lambda s, i, shared: [violation(f"V-{s}-{i}", s, f"SKU-{i}")],
    "ASIN violation": lambda s, i, shared: [violation(f"V-{s}-{i}", asin=shared)],
    "request and decision": lambda s, i, shared: [request(f"R-{s}-{i}", s, f"SKU-{i}"), decision(f"R-{s}-{i}", s, "X")],
    "whole lifecycle": _lifecycle,
}


async def statements(pool: asyncpg.Pool, size: int, kind: str) -> int:
    """Statements the handler runs on PostgreSQL for ``size`` listings' events of this kind, in one batch,
    each listing created and suppressed beforehand."""
    async with pool.acquire() as conn:
        await migrate(conn, SPEC.schema, [*reliability_migrations(), *SPEC.migrations])
        tx = conn.transaction()
        await tx.start()
        try:
            handler = ActivationHandler(today=lambda: TODAY)
            for n in (3, size):  # the first time: asyncpg's own type introspection, not counted
                s, shared = seller(), asin()
                before = [created(s, f"SKU-{i}", asin=shared) for i in range(n)] + [violation(f"V0-{s}", asin=shared)]
                await handler.handle(PostgresActivationStore(conn), [incoming(b) for b in before])
                batch = [incoming(b) for i in range(n) for b in KINDS[kind](s, i, shared)]
                async with statement_log(conn) as queries:
                    await handler.handle(PostgresActivationStore(conn), batch)
            return len(queries)
        finally:
            await tx.rollback()


@pytest.mark.parametrize("kind", list(KINDS))
async def test_the_handlers_statements_do_not_grow_with_the_batch(pool: asyncpg.Pool, kind: str) -> None:
    assert await statements(pool, 1, kind) == await statements(pool, 200, kind)
