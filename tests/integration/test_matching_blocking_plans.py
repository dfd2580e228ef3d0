"""The blocking statements read the catalog through its indexes, in the plans a long-lived connection caches.

Issue 11: ``($1 = '' OR brand_key = $1)`` could use no index in PostgreSQL's generic plan (which a prepared
statement may switch to after five executions), and titles of common words made ``tokens && $3`` read most of the
catalog. Here, on 40,000 items whose titles share common words (in a transaction rolled back at the end), one
connection runs the store's lookups many times; then each statement the adapter ran is explained through its own
prepared statement (``EXPLAIN EXECUTE``), as the plan cache chooses it and with the generic plan forced: no
sequential scan, and no more items read per proposal than ``READ_BUDGET`` (plus its model-number hits).
"""

from __future__ import annotations

import asyncio
import json
import random
import string
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import pytest
from asinflow_duplicate_matching.adapters.postgres import BLOCK, KEY_COUNTS, SCHEMA, PostgresMatchingStore
from asinflow_duplicate_matching.app import SPEC
from asinflow_duplicate_matching.domain.blocking import READ_BUDGET, BlockingQuery
from asinflow_duplicate_matching.domain.candidates import tokens
from asinflow_runtime.db import migrate, reliability_migrations

pytestmark = pytest.mark.integration

ITEMS = 40_000
BRANDS = 4  # 10,000 items each: every common word is in thousands of items of each brand
COMMON = ["portable", "wireless", "speaker", "compact", "premium", "lamp", "charger", "classic"]
RUNS = 12  # more than the five custom plans after which PostgreSQL considers the generic one
TAG = "".join(random.choices(string.ascii_lowercase, k=3))  # in every word and brand: nothing else is counted


def word(w: str) -> str:
    return f"{w}{TAG}"


@pytest.fixture(scope="module")
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection, a catalog of ``ITEMS`` more items, analysed; all rolled back at the end."""
    async with pool.acquire() as c:
        await migrate(c, SPEC.schema, [*reliability_migrations(), *SPEC.migrations])
        tx = c.transaction()
        await tx.start()
        try:
            await c.execute(
                f"""
                INSERT INTO {SCHEMA}.items (asin, brand, brand_key, title, category, model_number, model_key, tokens,
                                            keys)
                SELECT asin, brand, brand, array_to_string(words, ' '), 'GADGET', model, model, words,
                       words || ARRAY(SELECT brand || ':' || w FROM unnest(words) w)
                  FROM (SELECT upper('B0' || $1 || lpad(to_hex(g), 5, '0')) AS asin,
                               'brand' || $1 || ((g / 56) % {BRANDS}) AS brand,
                               'm' || $1 || g AS model,
                               -- two common words (never the same one), one of 997 rarer ones, a model number
                               ARRAY[c[1 + g % 8], c[1 + (g % 8 + 1 + (g / 8) % 7) % 8], 's' || $1 || (g % 997),
                                     'm' || $1 || g] AS words
                          FROM generate_series(1, {ITEMS}) g, (SELECT $2::text[] AS c) common) i
                """,
                TAG,
                [word(w) for w in COMMON],
            )
            await c.execute(
                f"""
                INSERT INTO {SCHEMA}.key_counts (key, items)
                SELECT k, count(*) FROM {SCHEMA}.items, unnest(keys) k
                 WHERE brand LIKE 'brand' || $1 || '%' GROUP BY k
                ON CONFLICT (key) DO UPDATE SET items = key_counts.items + EXCLUDED.items
                """,
                TAG,
            )
            await c.execute(f"ANALYZE {SCHEMA}.items; ANALYZE {SCHEMA}.key_counts")
            yield c
        finally:
            await tx.rollback()


def brand(n: int) -> str:
    return f"brand{TAG}{n}"


def brand_of(g: int) -> str:
    """The brand of item ``g``."""
    return brand((g // 56) % BRANDS)


def title(*words: str) -> tuple[str, ...]:
    return tuple(tokens(" ".join(words)))


CASES: dict[str, list[BlockingQuery]] = {
    "branded, common words only": [BlockingQuery(brand(1), (), title(*map(word, COMMON[:3]), "for home"))],
    "branded, common words and a rarer one": [
        BlockingQuery(brand(2), (), title(word("portable"), word("lamp"), f"s{TAG}17"))
    ],
    "branded, model number": [BlockingQuery(brand_of(123), (f"m{TAG}123",), title(word("speaker")))],
    "no brand, common words only": [BlockingQuery("", (), title(*map(word, COMMON[2:6]), "set"))],
    "no brand, common words and a rarer one": [BlockingQuery("", (), title(word("charger"), f"s{TAG}500"))],
    "a batch of every kind": [
        BlockingQuery(brand_of(n), (f"m{TAG}{n}",) if n % 3 == 0 else (), title(*map(word, COMMON[n % 5 :])))
        for n in range(20)
    ]
    + [BlockingQuery("", (), title(word(COMMON[n % 8]), word(COMMON[(n + 3) % 8]))) for n in range(20)],
}


async def statements_run(conn: asyncpg.Connection, queries: list[BlockingQuery]) -> list[tuple[str, tuple[Any, ...]]]:
    """The statements (text and arguments) the adapter runs for ``queries``, after running them ``RUNS`` times."""
    ran: list[tuple[str, tuple[Any, ...]]] = []
    for _ in range(RUNS - 1):
        await PostgresMatchingStore(conn).candidates(queries)
    with conn.query_logger(lambda record: ran.append((record.query, tuple(record.args)))):
        found = await PostgresMatchingStore(conn).candidates(queries)
        await asyncio.sleep(0)  # asyncpg calls query loggers soon after each statement
    assert all(found), "every query finds candidates"
    return ran


async def explain(conn: asyncpg.Connection, query: str, args: tuple[Any, ...], mode: str) -> dict[str, Any]:
    """EXPLAIN ANALYZE of the connection's own prepared statement for ``query``, run with ``args``."""
    name, types = await conn.fetchrow(
        "SELECT name, parameter_types::text[] FROM pg_prepared_statements WHERE statement = $1", query
    )
    literals = [
        await conn.fetchval(f"SELECT quote_literal($1::{t}) || '::{t}'", a) for t, a in zip(types, args, strict=True)
    ]
    await conn.execute(f"SET plan_cache_mode = {mode}")
    try:
        plan = await conn.fetchval(f'EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE "{name}"({", ".join(literals)})')
    finally:
        await conn.execute("RESET plan_cache_mode")
    return dict(json.loads(plan)[0]["Plan"])


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def items_read(plan: dict[str, Any]) -> float:
    """Rows of ``items`` the plan fetched (returned or filtered out), over all loops."""
    return sum(
        (n.get("Actual Rows", 0) + n.get("Rows Removed by Filter", 0) + n.get("Rows Removed by Index Recheck", 0))
        * n.get("Actual Loops", 1)
        for n in nodes(plan)
        if n.get("Relation Name") == "items"
    )


@pytest.mark.parametrize("mode", ["auto", "force_generic_plan"])
@pytest.mark.parametrize("case", list(CASES))
async def test_blocking_reads_the_catalog_through_its_indexes(conn: asyncpg.Connection, case: str, mode: str) -> None:
    queries = CASES[case]
    ran = await statements_run(conn, queries)
    assert len(ran) == 2  # the key counts, then the candidates of every query at once

    for query, args in ran:
        plan = await explain(conn, query, args, mode)
        scans = {(n["Node Type"], n.get("Relation Name")) for n in nodes(plan) if "Scan" in n["Node Type"]}
        assert not any(kind == "Seq Scan" for kind, _ in scans), (case, mode, query, scans)
        assert {kind for kind, relation in scans if relation == "items"} <= {"Bitmap Heap Scan", "Index Scan"}
        model_hits = sum(len(q.model_keys) for q in queries)
        assert items_read(plan) <= len(queries) * READ_BUDGET + model_hits, (case, mode, items_read(plan))


async def test_the_lookups_have_run_in_the_generic_plan(conn: asyncpg.Connection) -> None:
    """The cached statements were executed often enough for PostgreSQL to consider (and here, to choose) the
    generic plan: the tests above explain the plans the service would run."""
    await statements_run(conn, CASES["a batch of every kind"])
    await conn.execute("SET plan_cache_mode = force_generic_plan")
    try:
        await statements_run(conn, CASES["a batch of every kind"])
    finally:
        await conn.execute("RESET plan_cache_mode")
    rows = await conn.fetch(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = ANY($1::text[])",
        [KEY_COUNTS, BLOCK],
    )
    assert len(rows) == 2 and all(r["generic_plans"] + r["custom_plans"] >= 2 * RUNS for r in rows)
    assert all(r["generic_plans"] >= RUNS for r in rows)
