"""Match latency at catalog scale: a synthetic catalog of N items (default 1,000,000) in PostgreSQL.

Prints p50/p99 of the duplicate-matching decision (index lookups + scoring) for GTIN hits, model-number
hits and title-only proposals, next to a plain indexed primary-key lookup measured in the same run; the
ratios to the primary-key lookup are the figures. Usage: ``python bench/matching_latency.py [N] [QUERIES]``.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from asinflow_contracts.events import ListingProposed, ListingValidated
from asinflow_duplicate_matching.adapters import index
from asinflow_duplicate_matching.domain.candidates import key, tokens
from asinflow_duplicate_matching.domain.cascade import decide
from asinflow_duplicate_matching.domain.matcher import Matcher
from asinflow_runtime.db import create_pool, migrate, migrations_in, reliability_migrations
from asinflow_runtime.embedded.servers import start_postgres

ROOT = Path(__file__).resolve().parents[1]
NOUNS = [
    "headphones",
    "speaker",
    "lamp",
    "cable",
    "charger",
    "kettle",
    "toaster",
    "blender",
    "mouse",
    "keyboard",
    "monitor",
    "router",
    "camera",
    "lens",
    "tripod",
    "backpack",
    "bottle",
    "jacket",
    "shoe",
    "watch",
    "drill",
    "saw",
    "sander",
    "vacuum",
    "fan",
    "heater",
    "mug",
    "pan",
    "knife",
]
ADJECTIVES = [
    "wireless",
    "portable",
    "compact",
    "professional",
    "premium",
    "classic",
    "ultra",
    "slim",
    "heavy",
    "duty",
    "smart",
    "digital",
    "stainless",
    "ergonomic",
    "rechargeable",
    "waterproof",
]
COLOURS = ["black", "white", "silver", "blue", "red", "green", "grey", "gold"]
rng = random.Random(42)


def item(i: int) -> tuple[object, ...]:
    brand = f"Brand{i % 5000:04d}"
    noun, adjective, colour = rng.choice(NOUNS), rng.choice(ADJECTIVES), rng.choice(COLOURS)
    model = f"{brand[-2:]}{noun[:2].upper()}-{i:07d}"
    title = f"{brand} {adjective} {noun} {model} {rng.randint(1, 999)} w {colour}"
    gtin14 = f"{i:014d}"
    return (
        f"B0{i:08d}",
        brand,
        key(brand),
        title,
        noun.upper(),
        model,
        "",
        key(model),
        "",
        tokens(title),
        [gtin14],
        False,
    )


async def load(pool, n: int) -> None:
    columns = [
        "asin",
        "brand",
        "brand_key",
        "title",
        "category",
        "model_number",
        "part_number",
        "model_key",
        "part_key",
        "tokens",
        "gtin14s",
        "is_child",
    ]
    async with pool.acquire() as conn:
        await conn.execute("DROP INDEX IF EXISTS duplicate_matching.items_tokens")
        for start in range(0, n, 100_000):
            rows = [item(i) for i in range(start, min(n, start + 100_000))]
            await conn.copy_records_to_table("items", schema_name="duplicate_matching", records=rows, columns=columns)
            await conn.copy_records_to_table(
                "gtins",
                schema_name="duplicate_matching",
                records=[(r[10][0], r[0], False) for r in rows],
                columns=["gtin14", "asin", "alias"],
            )
        await conn.execute("CREATE INDEX items_tokens ON duplicate_matching.items USING gin (tokens)")
        await conn.execute("ANALYZE duplicate_matching.items; ANALYZE duplicate_matching.gtins")


def listing(title: str, brand: str, model: str, gtin14: str | None) -> ListingValidated:
    proposal = ListingProposed(
        seller_id="S-BENCH",
        sku=uuid.uuid4().hex,
        title=title,
        brand=brand,
        product_type="GADGET",
        model_number=model or None,
    )
    return ListingValidated(
        listing_id=uuid.uuid4(),
        seller_id="S-BENCH",
        sku=proposal.sku,
        proposal_id=uuid.uuid4(),
        gtin14=gtin14,
        proposal=proposal,
    )


async def timed(pool, samples: list[Callable[[object], Awaitable[object]]]) -> list[float]:
    out = []
    async with pool.acquire() as conn:
        for sample in samples:
            t = time.perf_counter()
            await sample(conn)
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
            pool = await create_pool(server.url, max_size=2)
            async with pool.acquire() as conn:
                await migrate(
                    conn,
                    index.SCHEMA,
                    [
                        *reliability_migrations(),
                        *migrations_in(ROOT / "services/duplicate_matching/src/asinflow_duplicate_matching/migrations"),
                    ],
                )
            t = time.perf_counter()
            await load(pool, n)
            print(f"loaded {n} items in {time.perf_counter() - t:.0f}s")
            picks = [rng.randrange(n) for _ in range(queries)]

            def gtin_case(i: int):
                row = item(i)
                lst = listing(str(row[3]), str(row[1]), "", f"{i:014d}")

                async def run(conn):
                    hits = await index.by_gtin(conn, [lst.gtin14])
                    return decide(lst, hits.get(lst.gtin14), [], matcher)

                return run

            def model_case(i: int):
                row = item(i)
                lst = listing(f"{row[1]} {row[5]} replacement", str(row[1]), str(row[5]), None)

                async def run(conn):
                    p = lst.proposal
                    cands = await index.block(conn, p.brand, [key(p.model_number)], p.title)
                    return decide(lst, None, cands, matcher)

                return run

            def title_case(i: int):
                row = item(i)
                words = str(row[3]).split()
                lst = listing(" ".join(words[:3] + words[4:]), str(row[1]), "", None)  # no model number

                async def run(conn):
                    p = lst.proposal
                    cands = await index.block(conn, p.brand, [], p.title)
                    return decide(lst, None, cands, matcher)

                return run

            def pk_case(i: int):
                async def run(conn):
                    return await conn.fetchrow("SELECT * FROM duplicate_matching.items WHERE asin = $1", f"B0{i:08d}")

                return run

            results = {}
            for name, make in (
                ("primary-key lookup", pk_case),
                ("GTIN hit", gtin_case),
                ("model-number hit", model_case),
                ("title only", title_case),
            ):
                await timed(pool, [make(i) for i in picks[:50]])  # warm up
                results[name] = await timed(pool, [make(i) for i in picks])
            await pool.close()
        finally:
            server.stop()
    base = pct(results["primary-key lookup"], 0.5)
    print(f"catalog items: {n}, queries per case: {queries}")
    for name, values in results.items():
        p50, p99 = pct(values, 0.5), pct(values, 0.99)
        print(f"{name:<20} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   p50 / primary-key p50 {p50 / base:6.1f}")


if __name__ == "__main__":
    asyncio.run(
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000, int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
    )
