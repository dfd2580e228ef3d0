"""One contract for the catalog's storage port, run against PostgreSQL and the in-memory fake.

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
from asinflow_catalog.adapters.memory import InMemoryCatalogStore
from asinflow_catalog.adapters.postgres import PostgresCatalogStore
from asinflow_catalog.app import SPEC
from asinflow_catalog.domain.asin import candidate
from asinflow_catalog.handlers import CatalogHandler
from asinflow_catalog.store import CatalogStore, ChildLink, NewItem, Offer
from asinflow_contracts.events import ListingQuotaGranted
from asinflow_runtime.db import migrate, reliability_migrations

from tests.unit.catalog.builders import granted, incoming

pytestmark = pytest.mark.integration


@pytest.fixture(params=["memory", "postgres"])
def backend(request: pytest.FixtureRequest) -> asyncpg.Pool | None:
    """The session's database for ``postgres`` (the stack starts only when a test needs it)."""
    return request.getfixturevalue("pool") if request.param == "postgres" else None


@pytest.fixture
async def store(backend: asyncpg.Pool | None) -> AsyncIterator[CatalogStore]:
    if backend is None:
        yield InMemoryCatalogStore()
        return
    async with backend.acquire() as conn:
        await migrate(conn, SPEC.schema, [*reliability_migrations(), *SPEC.migrations])
        tx = conn.transaction()
        await tx.start()
        try:
            yield PostgresCatalogStore(conn)
        finally:
            await tx.rollback()


def new_asin() -> str:
    return candidate(uuid.uuid4())


def new_gtin() -> str:
    return f"{uuid.uuid4().int % 10**14:014d}"


def item(asin: str, *gtins: str, parent_asin: str | None = None) -> NewItem:
    return NewItem(
        asin=asin,
        brand="Acme",
        manufacturer="Acme Audio",
        title="Acme Wireless Headphones WH-100",
        product_type="HEADPHONES",
        model_number="WH-100",
        part_number=None,
        parent_asin=parent_asin,
        variation_theme="Color" if parent_asin else None,
        variation_attributes={"Color": "Black"} if parent_asin else {},
        created_by_listing=uuid.uuid4(),
        created_by_proposal=uuid.uuid4(),
        gtin14s=list(gtins),
    )


def offer(seller: str, sku: str, asin: str, *, new_asin: bool = True, parent_sku: str | None = None) -> Offer:
    return Offer(uuid.uuid4(), uuid.uuid4(), seller, sku, asin, new_asin, parent_sku)


def seller() -> str:
    return f"S-{uuid.uuid4().hex[:10]}"


async def test_nothing_is_found_for_unknown_keys(store: CatalogStore) -> None:
    assert await store.offers_by_proposal([uuid.uuid4()]) == {}
    assert await store.asins_by_gtin([new_gtin()]) == {}
    assert await store.latest_asins([(seller(), "SKU")]) == {}
    assert await store.taken([new_asin()]) == set()
    assert await store.parent_asins([new_asin()]) == {}
    assert await store.offers_by_proposal([]) == {} and await store.taken([]) == set()


async def test_added_items_are_taken_and_found_by_their_gtins(store: CatalogStore) -> None:
    a, b, free = new_asin(), new_asin(), new_asin()
    g1, g2, g3 = new_gtin(), new_gtin(), new_gtin()

    await store.add_items([item(a, g1, g2), item(b)])

    assert await store.taken([a, b, free]) == {a, b}
    assert await store.asins_by_gtin([g1, g2, g3]) == {g1: a, g2: a}
    assert await store.parent_asins([a, b]) == {a: None, b: None}


async def test_a_gtin_already_known_keeps_its_item(store: CatalogStore) -> None:
    a, b, g, alias = new_asin(), new_asin(), new_gtin(), new_gtin()
    await store.add_items([item(a, g)])

    await store.add_items([item(b, g)])
    await store.add_aliases([(g, b), (alias, b), (alias, a)])

    assert await store.asins_by_gtin([g, alias]) == {g: a, alias: b}


async def test_a_child_can_be_added_with_its_parent_in_one_batch(store: CatalogStore) -> None:
    parent, child = new_asin(), new_asin()

    await store.add_items([item(parent), item(child, parent_asin=parent)])

    assert await store.parent_asins([parent, child]) == {parent: None, child: parent}


async def test_offers_are_found_by_proposal_and_an_offer_recorded_is_kept(store: CatalogStore) -> None:
    a, b, s = new_asin(), new_asin(), seller()
    await store.add_items([item(a), item(b)])
    first, other = offer(s, "HP-1", a, parent_sku="HP-P"), offer(s, "HP-2", b, new_asin=False)
    await store.add_offers([first, other])

    await store.add_offers([Offer(first.proposal_id, first.listing_id, s, "HP-1", b, False, None)])

    assert await store.offers_by_proposal([first.proposal_id, other.proposal_id, uuid.uuid4()]) == {
        first.proposal_id: first,
        other.proposal_id: other,
    }


async def test_a_closed_offer_leaves_its_item_and_is_still_found_by_its_proposal(store: CatalogStore) -> None:
    a, b, s = new_asin(), new_asin(), seller()
    await store.add_items([item(a), item(b)])
    first, second, other = offer(s, "HP-1", a), offer(s, "HP-2", a, new_asin=False), offer(s, "HP-3", b)
    await store.add_offers([first, second, other])
    assert {k: {o.sku for o in v} for k, v in (await store.open_offers([a, b, new_asin()])).items()} == {
        a: {"HP-1", "HP-2"},
        b: {"HP-3"},
    }
    at = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    await store.close_offers([(first.proposal_id, at), (uuid.uuid4(), at)])  # an unknown proposal is ignored
    await store.close_offers([(first.proposal_id, at + timedelta(days=1))])  # closed already: nothing changes
    await store.close_offers([])

    assert await store.open_offers([a]) == {a: [second]}
    await store.close_offers([(second.proposal_id, at), (other.proposal_id, at)])
    assert await store.open_offers([a, b]) == {}
    assert await store.offers_by_proposal([first.proposal_id]) == {first.proposal_id: first}  # kept for the record
    assert await store.taken([a, b]) == {a, b}  # the items stay
    assert await store.open_offers([]) == {}


async def test_latest_asins_give_the_asin_of_each_listing_offered(store: CatalogStore) -> None:
    a, b, s = new_asin(), new_asin(), seller()
    await store.add_items([item(a), item(b)])
    await store.add_offers([offer(s, "HP-1", a), offer(s, "HP-2", b, new_asin=False)])

    assert await store.latest_asins([(s, "HP-1"), (s, "HP-2"), (s, "HP-3")]) == {(s, "HP-1"): a, (s, "HP-2"): b}


async def test_linking_points_items_minted_for_children_at_their_parent(store: CatalogStore) -> None:
    s = seller()
    parent, child, attached, adopted, other = (new_asin() for _ in range(5))
    await store.add_items([item(parent), item(child), item(attached), item(adopted, parent_asin=other), item(other)])
    await store.add_offers(
        [
            offer(s, "HP-BLK", child, parent_sku="HP-PARENT"),  # minted for a child that waited for its parent
            offer(s, "HP-WHT", attached, new_asin=False, parent_sku="HP-PARENT"),  # an offer on another's item
            offer(s, "HP-RED", adopted, parent_sku="HP-PARENT"),  # has a parent already
            offer(s, "HP-PARENT", parent),
        ]
    )

    await store.link_children([ChildLink(s, "HP-PARENT", parent), ChildLink(s, "HP-OTHER", other)])

    assert await store.parent_asins([parent, child, attached, adopted]) == {
        parent: None,
        child: parent,
        attached: None,
        adopted: other,
    }


async def test_an_item_is_never_its_own_parent(store: CatalogStore) -> None:
    s, a = seller(), new_asin()
    await store.add_items([item(a)])
    await store.add_offers([offer(s, "HP-SELF", a, parent_sku="HP-SELF")])

    await store.link_children([ChildLink(s, "HP-SELF", a)])

    assert await store.parent_asins([a]) == {a: None}


@contextlib.asynccontextmanager
async def statement_log(conn: asyncpg.Connection) -> AsyncIterator[list[str]]:
    """The statements the connection runs meanwhile (asyncpg calls query loggers soon after each one)."""
    queries: list[str] = []
    with conn.query_logger(lambda record: queries.append(record.query)):
        yield queries
        await asyncio.sleep(0)


KINDS: dict[str, Callable[[str, int, str], ListingQuotaGranted]] = {
    "new item": lambda s, i, known: granted(f"P-{i}", new_gtin(), seller=s),
    "child of a new item": lambda s, i, known: granted(f"C-{i}", new_gtin(), parent_sku=f"P-{i}", seller=s),
    "matched, with an alias": lambda s, i, known: granted(
        f"M-{i}", new_gtin(), asin=known, alias_gtin14=new_gtin(), seller=s
    ),
    "exempted": lambda s, i, known: granted(f"X-{i}", None, seller=s),
}


async def statements(pool: asyncpg.Pool, size: int, kinds: list[str]) -> int:
    """Statements the handler runs on PostgreSQL for a batch of ``size`` listings of these kinds, in turn."""
    async with pool.acquire() as conn:
        await migrate(conn, SPEC.schema, [*reliability_migrations(), *SPEC.migrations])
        tx = conn.transaction()
        await tx.start()
        try:
            known = new_asin()
            await PostgresCatalogStore(conn).add_items([item(known)])
            for n in (len(KINDS), size):  # the first time: asyncpg's own type introspection, not counted
                s = seller()
                batch = [incoming(KINDS[kinds[i % len(kinds)]](s, i // len(kinds), known)) for i in range(n)]
                async with statement_log(conn) as queries:
                    events = await CatalogHandler().handle(PostgresCatalogStore(conn), batch)
                assert len(events) >= n
            return len(queries)
        finally:
            await tx.rollback()


@pytest.mark.parametrize("kind", list(KINDS))
async def test_the_handlers_statements_do_not_grow_with_the_batch(pool: asyncpg.Pool, kind: str) -> None:
    assert await statements(pool, 1, [kind]) == await statements(pool, 200, [kind])


async def test_a_mixed_batch_takes_one_statement_per_kind_of_data(pool: asyncpg.Pool) -> None:
    kinds = list(KINDS)
    # loads: offers, GTINs, parents, taken; writes: items, their GTINs, offers, aliases, links to parents
    assert await statements(pool, len(kinds), kinds) == await statements(pool, 200, kinds) == 9
