"""Match latency at catalog scale: a synthetic catalog of N items (default 1,000,000) in PostgreSQL.

As a long-running service sees it: the store's statements are prepared and run on the service's connection
(long-lived) at least ten times on an EMPTY catalog first, so the plan cache holds what it holds after start-up;
then the catalog is loaded (bulk: COPY, then the GIN index and the key counts, as ``add_items`` would leave them)
and analysed. Titles share common words ("portable", "wireless", "speaker", "black", "set", "for" …) next to rarer
ones (a series name, a model number); brands are Zipf-sized (the largest has ~8% of the catalog).

Prints p50/p99 per case, next to a plain indexed primary-key lookup measured in the same run (the ratios are the
figures): GTIN hits, brand + model-number hits and title-only proposals (the whole decision: lookups + scoring),
and the title blocking alone (``candidates`` for one proposal, with and without a brand, with titles of common words
only); then the cost of one batch: ``candidates`` for 500 proposals in one call, and the handler on a batch of 500
listings. Usage: ``python bench/matching_latency.py [N] [QUERIES]``.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import ListingProposed, ListingValidated
from asinflow_contracts.ids import listing_id
from asinflow_duplicate_matching.adapters.postgres import SCHEMA, PostgresMatchingStore
from asinflow_duplicate_matching.app import SPEC
from asinflow_duplicate_matching.domain.blocking import BlockingQuery, item_keys
from asinflow_duplicate_matching.domain.candidates import key, tokens
from asinflow_duplicate_matching.domain.cascade import blocking_query, decide
from asinflow_duplicate_matching.domain.matcher import Matcher
from asinflow_duplicate_matching.handlers import MatchingHandler
from asinflow_runtime.db import create_pool, migrate, reliability_migrations
from asinflow_runtime.embedded.servers import start_postgres
from asinflow_runtime.messages import Incoming

NOUNS = [
    "headphones", "speaker", "lamp", "cable", "charger", "kettle", "toaster", "blender", "mouse", "keyboard",
    "monitor", "router", "camera", "lens", "tripod", "backpack", "bottle", "jacket", "shoe", "watch", "drill",
    "saw", "sander", "vacuum", "fan", "heater", "mug", "pan", "knife", "case",
]  # fmt: skip
ADJECTIVES = [
    "wireless", "portable", "compact", "professional", "premium", "classic", "ultra", "slim", "heavy", "duty",
    "smart", "digital", "stainless", "ergonomic", "rechargeable", "waterproof",
]  # fmt: skip
COLOURS = ["black", "white", "silver", "blue", "red", "green", "grey", "gold"]
USES = ["home", "office", "travel", "kids", "outdoor", "car", "kitchen", "gaming"]
_series = random.Random(7)
#: ~2,000 made-up series names: rarer words (~500 items each in a catalog of a million)
SERIES = sorted(
    {"".join(_series.choice("bcdfghjklmnprstvz") + _series.choice("aeiou") for _ in range(3)) for _ in range(2000)}
)
BRANDS = 5000
BATCH = 500
COLUMNS = [
    "asin", "brand", "brand_key", "title", "category", "model_number", "part_number", "model_key", "part_key",
    "tokens", "keys", "gtin14s", "is_child",
]  # fmt: skip


@dataclass(frozen=True)
class Item:
    asin: str
    brand: str
    title: str
    noun: str
    model: str
    gtin14: str


def item(i: int) -> Item:
    """Item ``i`` of the catalog, the same every time it is asked for."""
    r = random.Random(i)
    rank = min(BRANDS - 1, int((BRANDS + 1) ** random.Random(i * 7919).random()) - 1)  # Zipf-like brand sizes
    brand = f"Brand{rank:04d}"
    noun, (a1, a2) = r.choice(NOUNS), r.sample(ADJECTIVES, 2)
    model = f"{brand[-2:]}{noun[:2].upper()}-{i:07d}"
    extra = r.choice(["", f" set of {r.randint(2, 6)}", f" {r.randint(5, 100)}w", " with case"])
    title = f"{brand} {r.choice(SERIES).capitalize()} {a1} {a2} {noun} {model}{extra} for {r.choice(USES)}, "
    return Item(f"B0{i:08d}", brand, title + r.choice(COLOURS), noun, model, f"{i:014d}")


def row(it: Item) -> tuple[object, ...]:
    words = tokens(it.title)
    keys = item_keys(key(it.brand), words)
    return (it.asin, it.brand, key(it.brand), it.title, it.noun.upper(), it.model, "", key(it.model), "", words, keys,
            [it.gtin14], False)  # fmt: skip


async def load(conn: asyncpg.Connection, n: int) -> None:
    """The catalog as ``add_items`` leaves it, loaded in bulk: the GIN index rebuilt after the rows."""
    index = await conn.fetchval(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'items_keys'", SCHEMA
    )
    await conn.execute(f"DROP INDEX {SCHEMA}.items_keys")
    counts: Counter[str] = Counter()
    for start in range(0, n, 100_000):
        rows = [row(item(i)) for i in range(start, min(n, start + 100_000))]
        for r in rows:
            counts.update(r[10])  # type: ignore[arg-type]
        await conn.copy_records_to_table("items", schema_name=SCHEMA, records=rows, columns=COLUMNS)
        await conn.copy_records_to_table(
            "gtins",
            schema_name=SCHEMA,
            records=[(r[11][0], r[0], False) for r in rows],
            columns=["gtin14", "asin", "alias"],  # type: ignore[index]
        )
    await conn.copy_records_to_table("key_counts", schema_name=SCHEMA, records=counts.items(), columns=["key", "items"])
    await conn.execute(index)
    await conn.execute(f"ANALYZE {SCHEMA}.items; ANALYZE {SCHEMA}.gtins; ANALYZE {SCHEMA}.key_counts")


def listing(title: str, brand: str, model: str | None = None, gtin14: str | None = None) -> ListingValidated:
    sku = uuid.uuid4().hex
    proposal = ListingProposed(
        seller_id="S-BENCH", sku=sku, title=title, brand=brand, product_type="GADGET", model_number=model
    )
    return ListingValidated(
        listing_id=listing_id("S-BENCH", sku),
        seller_id="S-BENCH",
        sku=sku,
        proposal_id=uuid.uuid4(),
        gtin14=gtin14,
        exemption_id=None if gtin14 else "EX-BENCH",
        proposal=proposal,
    )


def without_model(it: Item) -> str:
    """The item's title without its model number: only the title can find the item."""
    return " ".join(w for w in it.title.split() if w != it.model)


def common_only(it: Item) -> str:
    """A title of the brand and common words only."""
    return f"{it.brand} portable wireless {it.noun} for home, black"


def query(title: str, brand: str) -> BlockingQuery:
    return BlockingQuery(key(brand), (), tuple(tokens(title)))


@dataclass(frozen=True)
class Record:
    """Stands in for the aiokafka record an Incoming carries."""

    topic: str
    value: bytes = b""
    key: bytes | None = None
    partition: int = 0
    offset: int = 0
    headers: tuple[tuple[str, bytes], ...] = ()


def incoming(body: ListingValidated) -> Incoming:
    envelope = Envelope(id=uuid.uuid4(), type=topics.LISTING_VALIDATED, source="/bench")
    return Incoming(Record(topics.LISTING_VALIDATED), envelope, body)


Sample = Callable[[], Awaitable[Any]]


async def timed(samples: list[Sample]) -> list[float]:
    out = []
    for sample in samples:
        t = time.perf_counter()
        await sample()
        out.append((time.perf_counter() - t) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


async def main(n: int, queries: int) -> None:
    matcher = Matcher.default()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_postgres(Path(tmp))
        try:
            pool = await create_pool(server.url, min_size=2, max_size=2)
            async with pool.acquire() as service, pool.acquire() as admin:
                await migrate(admin, SCHEMA, [*reliability_migrations(), *SPEC.migrations])
                await run(service, admin, matcher, n, queries)
            await pool.close()
        finally:
            server.stop()


async def run(conn: asyncpg.Connection, admin: asyncpg.Connection, matcher: Matcher, n: int, queries: int) -> None:
    store = PostgresMatchingStore(conn)  # the service's long-lived connection
    rng = random.Random(42)
    picks = [rng.randrange(n) for _ in range(queries)]
    items = {i: item(i) for i in picks}

    def pk_case(i: int) -> Sample:
        return lambda: conn.fetchrow(f"SELECT * FROM {SCHEMA}.items WHERE asin = $1", items[i].asin)

    def gtin_case(i: int) -> Sample:
        lst = listing(items[i].title, items[i].brand, gtin14=items[i].gtin14)

        async def run() -> object:
            hits = await store.by_gtin([items[i].gtin14])
            return decide(lst, hits.get(items[i].gtin14), [], matcher)

        return run

    def decision_case(lst: ListingValidated) -> Sample:
        async def run() -> object:
            [candidates] = await store.candidates([blocking_query(lst)])
            return decide(lst, None, candidates, matcher)

        return run

    def model_case(i: int) -> Sample:
        return decision_case(listing(f"{items[i].brand} {items[i].model} replacement", items[i].brand, items[i].model))

    def title_case(i: int) -> Sample:
        return decision_case(listing(without_model(items[i]), items[i].brand))

    def blocking_case(q: BlockingQuery) -> Sample:
        return lambda: store.candidates([q])

    # warm-up on the empty catalog: every statement prepared and run on this connection more than ten times
    warm = picks[:12]
    for make in (pk_case, gtin_case, model_case, title_case):
        await timed([make(i) for i in warm])
    await timed([blocking_case(query(common_only(items[i]), "")) for i in warm])
    t = time.perf_counter()
    await load(admin, n)
    print(f"loaded {n} items in {time.perf_counter() - t:.0f}s (after warming the statements on the empty catalog)")

    results: dict[str, list[float]] = {}
    cases: dict[str, Callable[[int], Sample]] = {
        "primary-key lookup": pk_case,
        "GTIN hit": gtin_case,
        "brand + model-number hit": model_case,
        "title only (decision)": title_case,
        "title blocking": lambda i: blocking_case(query(without_model(items[i]), items[i].brand)),
        "title blocking, no brand": lambda i: blocking_case(query(without_model(items[i]), "")),
        "common words blocking": lambda i: blocking_case(query(common_only(items[i]), items[i].brand)),
        "common words, no brand": lambda i: blocking_case(query(common_only(items[i]), "")),
    }
    for name, make in cases.items():
        await timed([make(i) for i in picks[:50]])  # the pages these lookups read, in memory
        results[name] = await timed([make(i) for i in picks])
    await conn.execute("SET plan_cache_mode = force_generic_plan")  # what PostgreSQL may switch to on its own
    for name in ("title blocking", "common words, no brand"):
        results[f"{name}, generic plan"] = await timed([cases[name](i) for i in picks])
    await conn.execute("RESET plan_cache_mode")
    found = await store.candidates([query(without_model(items[i]), items[i].brand) for i in picks])
    recall = sum(any(c.asin == items[i].asin for c in cs) for i, cs in zip(picks, found, strict=True))

    base = pct(results["primary-key lookup"], 0.5)
    print(f"catalog items: {n}, queries per case: {queries}")
    for name, values in results.items():
        p50, p99 = pct(values, 0.5), pct(values, 0.99)
        print(f"{name:<36} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   p50 / primary-key p50 {p50 / base:6.1f}")
    print(f"title blocking finds the item the title was taken from: {recall} of {len(picks)}")

    batches = [picks[k : k + BATCH] for k in range(0, max(len(picks), BATCH * 3), BATCH)][:3]
    batches = [b if len(b) == BATCH else [rng.randrange(n) for _ in range(BATCH)] for b in batches]
    per_batch = []
    for batch in batches:
        qs = [query(without_model(item(i)), item(i).brand) for i in batch]
        t = time.perf_counter()
        await store.candidates(qs)
        per_batch.append((time.perf_counter() - t) * 1000)
    print(f"candidates for {BATCH} title-only proposals in one call: " + ", ".join(f"{ms:.0f} ms" for ms in per_batch))
    handled = []
    for batch in batches:
        bodies = [incoming(listing(without_model(item(i)), item(i).brand)) for i in batch]
        tx = conn.transaction()  # the handler keeps its decisions, as the service does; rolled back after
        await tx.start()
        try:
            t = time.perf_counter()
            await MatchingHandler(matcher).handle(store, bodies)
            handled.append((time.perf_counter() - t) * 1000)
        finally:
            await tx.rollback()
    print(
        f"handler, {BATCH} title-only listings (lookups, scoring, saves): "
        + ", ".join(f"{ms:.0f} ms" for ms in handled)
    )
    plans = await conn.fetch(
        "SELECT generic_plans, custom_plans, left(regexp_replace(statement, '\\s+', ' ', 'g'), 60) AS statement"
        " FROM pg_prepared_statements WHERE statement LIKE '%' || $1 || '%' ORDER BY name",
        SCHEMA,
    )
    for p in plans:
        print(f"plan cache: generic {p['generic_plans']:>5}, custom {p['custom_plans']:>5}: {p['statement']}")


if __name__ == "__main__":
    asyncio.run(
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000, int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
    )
