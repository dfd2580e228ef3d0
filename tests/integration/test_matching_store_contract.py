"""One contract for the duplicate-matching store, run against PostgreSQL and the in-memory fake.

PostgreSQL: the service's migrations are applied first (idempotent), each test runs in a transaction rolled back
at its end. Brands and words are new in every test, so what other tests left in the database changes nothing.
Also: the handler's statements per batch do not grow with the batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import string
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from asinflow_duplicate_matching.adapters.memory import InMemoryMatchingStore
from asinflow_duplicate_matching.adapters.postgres import PostgresMatchingStore
from asinflow_duplicate_matching.app import SPEC
from asinflow_duplicate_matching.domain.blocking import BLOCK_LIMIT, READ_BUDGET, BlockingQuery
from asinflow_duplicate_matching.domain.candidates import IndexedItem, key, tokens
from asinflow_duplicate_matching.domain.matcher import Matcher
from asinflow_duplicate_matching.handlers import MatchingHandler
from asinflow_duplicate_matching.store import Decision, Gtin, MatchingStore
from asinflow_runtime.db import migrate, reliability_migrations

from tests.unit.matching.test_matching_handler import catalog_item, incoming, validated

pytestmark = pytest.mark.integration


@pytest.fixture(params=["memory", "postgres"])
def backend(request: pytest.FixtureRequest) -> asyncpg.Pool | None:
    """The session's database for ``postgres`` (the stack starts only when a test needs it)."""
    return request.getfixturevalue("pool") if request.param == "postgres" else None


@pytest.fixture
async def store(backend: asyncpg.Pool | None) -> AsyncIterator[MatchingStore]:
    if backend is None:
        yield InMemoryMatchingStore()
        return
    async with backend.acquire() as conn:
        await migrate(conn, SPEC.schema, [*reliability_migrations(), *SPEC.migrations])
        tx = conn.transaction()
        await tx.start()
        try:
            yield PostgresMatchingStore(conn)
        finally:
            await tx.rollback()


def tag() -> str:
    """Letters no other test uses: a brand or a word of this test only."""
    return "".join(random.choices(string.ascii_lowercase, k=10))


def new_asin() -> str:
    return "B0" + "".join(random.choices(string.ascii_uppercase + string.digits, k=8))


def new_gtin() -> str:
    return f"{uuid.uuid4().int % 10**14:014d}"


def item(brand: str, title: str, *gtins: str, model: str = "", part: str = "", asin: str = "") -> IndexedItem:
    return IndexedItem(asin or new_asin(), brand, title, "GADGET", model, part, tuple(gtins))


def query(brand: str, title: str, *model_keys: str) -> BlockingQuery:
    return BlockingQuery(key(brand), tuple(key(m) for m in model_keys), tuple(tokens(title)))


async def test_nothing_is_found_for_unknown_keys(store: MatchingStore) -> None:
    assert await store.by_gtin([new_gtin()]) == {}
    assert await store.candidates([query(tag(), f"{tag()} lamp", "X100")]) == [[]]
    assert await store.decisions([uuid.uuid4()]) == {}
    assert await store.candidates([]) == [] and await store.by_gtin([]) == {}
    assert await store.add_items([]) == [] and await store.add_gtins([]) == [] and await store.save_decisions([]) == []


async def test_items_are_indexed_once_and_found_by_their_gtins(store: MatchingStore) -> None:
    g1, g2 = new_gtin(), new_gtin()
    lamp = item(tag(), "Projector lamp", g1, g2, model="ELPLP12")
    child = IndexedItem(new_asin(), lamp.brand, "Projector lamp red", "GADGET", "", "", (new_gtin(),), True)

    assert await store.add_items([lamp, child]) == [lamp.asin, child.asin]
    assert await store.add_items([lamp]) == []

    assert await store.by_gtin([g1, g2, child.gtin14s[0]]) == {g1: lamp, g2: lamp, child.gtin14s[0]: child}


async def test_a_gtin_already_known_keeps_its_item(store: MatchingStore) -> None:
    g = new_gtin()
    first, second = item(tag(), "Lamp", g), item(tag(), "Kettle", g)
    await store.add_items([first, second])

    assert await store.add_gtins([Gtin(g, second.asin, alias=True)]) == []
    assert await store.by_gtin([g]) == {g: first}


async def test_an_alias_identifies_its_item(store: MatchingStore) -> None:
    lamp, alias = item(tag(), "Lamp", new_gtin()), new_gtin()
    await store.add_items([lamp])

    assert await store.add_gtins([Gtin(alias, lamp.asin, alias=True)]) == [alias]

    assert await store.by_gtin([alias]) == {alias: lamp}


async def test_model_and_part_hits_come_first_then_the_items_sharing_most_words(store: MatchingStore) -> None:
    brand, other, w = tag(), tag(), tag()
    by_model = item(brand, f"{w} spare", model="ELP-12", asin="B0ZZZZZZZ1")
    by_part = item(brand, "spare", part="PT 77", asin="B0ZZZZZZZ2")
    three = item(brand, f"{w} projector lamp", asin="B0BBBBBBB1")
    two_b, two_a = item(brand, f"{w} projector", asin="B0AAAAAAA2"), item(brand, f"{w} lamp", asin="B0AAAAAAA1")
    elsewhere = item(other, f"{w} projector lamp")  # another brand
    same_model_elsewhere = item(other, "spare", model="ELP12")
    unrelated = item(brand, "kettle")
    await store.add_items([unrelated, two_b, elsewhere, three, by_part, two_a, same_model_elsewhere, by_model])

    [found] = await store.candidates([query(brand, f"{w} projector lamp", "elp12", "pt-77")])

    assert [c.asin for c in found] == [by_model.asin, by_part.asin, three.asin, two_a.asin, two_b.asin]


async def test_without_a_brand_items_of_every_brand_are_found(store: MatchingStore) -> None:
    w1, w2, w3 = tag(), tag(), tag()  # words of this test only: without a brand, the whole catalog is looked at
    a, b = item(tag(), f"{w1} {w2} {w3}", asin="B0AAAAAAA1"), item(tag(), f"{w1} {w3}", asin="B0AAAAAAA2")
    await store.add_items([b, a])

    assert await store.candidates([query("", f"{w1} {w2} {w3}"), query("-", f"{w1} {w3}")]) == [[a, b], [a, b]]


async def test_each_query_of_a_batch_gets_its_own_candidates_in_order(store: MatchingStore) -> None:
    brands = [tag() for _ in range(5)]
    items = [item(b, f"{b} lamp {n}", model=f"M{n}") for b in brands for n in range(3)]
    await store.add_items(items)

    found = await store.candidates([query(b, "lamp", "M1") for b in reversed(brands)])

    assert [[c.brand for c in cs] for cs in found] == [[b] * 3 for b in reversed(brands)]
    assert [cs[0].model_number for cs in found] == ["M1"] * 5


async def test_at_most_the_block_limit_is_returned(store: MatchingStore) -> None:
    brand, w = tag(), tag()
    await store.add_items([item(brand, f"{w} lamp {n}") for n in range(BLOCK_LIMIT + 10)])

    [found] = await store.candidates([query(brand, f"{w} lamp")])

    assert len(found) == BLOCK_LIMIT


async def test_a_rare_word_finds_its_item_among_items_of_common_words(store: MatchingStore) -> None:
    brand, rare = tag(), tag()
    common = [item(brand, f"portable wireless speaker {n}") for n in range(READ_BUDGET + 50)]
    wanted = item(brand, f"portable wireless speaker {rare}", asin="B0ZZZZZZZZ")
    await store.add_items([*common[:500], wanted, *common[500:]])

    [found] = await store.candidates([query(brand, f"portable wireless speaker {rare} black")])

    assert found[0] == wanted


async def test_when_every_word_is_common_items_must_have_the_two_rarest(store: MatchingStore) -> None:
    brand = tag()
    n = READ_BUDGET + 10
    await store.add_items(
        [
            *(item(brand, f"portable speaker {i}") for i in range(n)),
            *(item(brand, f"portable lamp {i}") for i in range(n + 5)),
            *(item(brand, f"wireless speaker lamp {i}") for i in range(n + 20)),
            *(item(brand, f"portable wireless {i}") for i in range(n + 40)),
        ]
    )

    [found] = await store.candidates([query(brand, "portable speaker lamp wireless")])

    # the two rarest: speaker (2,030 items) and lamp (2,035); wireless (2,080) and portable (3,075) are left out
    assert len(found) == BLOCK_LIMIT
    assert all({"speaker", "lamp"} <= set(tokens(c.title)) for c in found)


async def test_decisions_are_kept_once(store: MatchingStore) -> None:
    p, listing = uuid.uuid4(), uuid.uuid4()
    first = Decision(p, listing, "MATCHED", "B0AAAAAAA1", "TITLE", 0.93, {"fields": {"title": {"agrees": True}}})
    other = Decision(uuid.uuid4(), uuid.uuid4(), "UNMATCHED", evidence={"candidates": 0})

    assert await store.save_decisions([first, other]) == [p, other.proposal_id]
    assert await store.save_decisions([Decision(p, listing, "REJECTED")]) == []

    assert await store.decisions([p, other.proposal_id]) == {p: first, other.proposal_id: other}


@contextlib.asynccontextmanager
async def statement_log(conn: asyncpg.Connection) -> AsyncIterator[list[str]]:
    """The statements the connection runs meanwhile (asyncpg calls query loggers soon after each one)."""
    queries: list[str] = []
    with conn.query_logger(lambda record: queries.append(record.query)):
        yield queries
        await asyncio.sleep(0)


async def statements(pool: asyncpg.Pool, size: int) -> int:
    """Statements the handler runs on PostgreSQL for a batch of ``size`` new items and ``3 * size`` listings:
    identified by GTIN, by model number (a new GTIN: an alias), by title."""
    handler = MatchingHandler(Matcher.default())
    async with pool.acquire() as conn:
        await migrate(conn, SPEC.schema, [*reliability_migrations(), *SPEC.migrations])
        tx = conn.transaction()
        await tx.start()
        try:
            for n in (3, size):  # the first time: asyncpg's own type introspection, not counted
                brand = tag()
                gtins = [new_gtin() for _ in range(n)]
                models = [f"PX-{i:04d}" for i in range(n)]
                batch = [
                    *(catalog_item(new_asin(), g, brand=brand, title=f"{brand} {m} lamp", model_number=m)
                      for g, m in zip(gtins, models, strict=True)),
                    *(validated(f"G{m}", brand=brand, title=f"{brand} {m} lamp", gtin14=g)
                      for g, m in zip(gtins, models, strict=True)),
                    *(validated(f"M{m}", brand=brand, model_number=m, gtin14=new_gtin()) for m in models),
                    *(validated(f"T{m}", brand=brand, title=f"{brand} {m} lamp") for m in models),
                ]  # fmt: skip
                async with statement_log(conn) as queries:
                    events = await handler.handle(PostgresMatchingStore(conn), [incoming(b) for b in batch])
                assert len(events) == 3 * n
            return len(queries)
        finally:
            await tx.rollback()


async def test_a_batch_takes_one_statement_per_kind_of_data(pool: asyncpg.Pool) -> None:
    # writes: items (with their GTINs and key counts), aliases, decisions; loads: GTINs, key counts, candidates
    assert await statements(pool, 3) == await statements(pool, 200) == 6
