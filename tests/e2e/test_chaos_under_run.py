"""Ten `kill -9` of randomly chosen services at random moments during a 3,000-line feed, with nothing but
`asinflow run` supervising them (issue 10): the outcome of every listing, computed from the feed alone, is
what the stack ends with — nothing lost, no wrong state, nothing applied twice, no duplicate ASIN, no seller
granted more than its weekly limit.

The feed (seeded): 1,500 new products of 75 sellers (20 each, a brand each, every 7th out of stock); 600
offers on 30 shared products (20 sellers each, proposed at the same time, so several may be new when they
arrive: still one ASIN per product); 400 wrong check digits; 200 lines repeated verbatim (one effect each);
300 new products of 10 sellers (30 each: 20 granted, 10 throttled). Marked `faults` (`make test-faults`).
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import subprocess
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import psutil
import pytest
import redis.asyncio as aioredis

from tests.e2e.test_run_journey import ctrl_c, start_run, wait_serving
from tests.support.cli import asinflow

pytestmark = [pytest.mark.e2e, pytest.mark.faults, pytest.mark.timeout(900)]

BATCH = "chaos-01"
LIMIT = 20  # a new seller's weekly creation limit
SERVICES = (
    "asinflow_lifecycle_ledger",
    "asinflow_identifier_validation",
    "asinflow_duplicate_matching",
    "asinflow_brand_gating",
    "asinflow_creation_quota",
    "asinflow_catalog",
    "asinflow_activation",
)


def ean13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def wrong_check_digit(code: str) -> str:
    return code[:-1] + str((int(code[-1]) + 1) % 10)


@dataclass(frozen=True)
class Expected:
    """What must become of one listing, from the feed alone."""

    state: str | frozenset[str]  # a state, or the states one of which it must end in (throttled sellers)
    code: str | None = None  # the rejection code
    product: str | None = None  # listings of one product must share one ASIN


def feed(seed: int) -> tuple[list[dict[str, object]], dict[tuple[str, str], Expected], dict[str, int]]:
    rng = random.Random(seed)
    lines: list[dict[str, object]] = []
    expected: dict[tuple[str, str], Expected] = {}

    def line(seller: str, sku: str, title: str, brand: str, gtin: str, quantity: int) -> dict[str, object]:
        return {
            "seller_id": seller,
            "sku": sku,
            "title": title,
            "brand": brand,
            "product_type": "GADGET",
            "model_number": f"M-{brand[-6:]}",
            "identifiers": [{"type": "EAN", "value": gtin}],
            "quantity": quantity,
            "batch_id": BATCH,
        }

    new = []
    for n in range(1500):  # new products
        seller, brand = f"CH-NEW-{n // 20:03d}", f"Chaosbrand N{n:05d}"
        quantity = 0 if n % 7 == 0 else 4
        new.append(line(seller, f"NEW-{n:05d}", f"{brand} desk lamp", brand, ean13(f"4008{n:08d}"), quantity))
        expected[(seller, f"NEW-{n:05d}")] = Expected("inactive" if quantity == 0 else "active")
    lines += new
    for n in range(600):  # offers on shared products
        product, seller = n // 20, f"CH-OFFER-{n % 200:03d}"
        brand = f"Chaosbrand S{product:03d}"
        sku = f"OFFER-{product:03d}-{n:04d}"
        lines.append(line(seller, sku, f"{brand} speaker", brand, ean13(f"4009{product:08d}"), 2))
        expected[(seller, sku)] = Expected("active", product=f"shared-{product}")
    for n in range(400):  # wrong check digits
        seller, brand = f"CH-BAD-{n // 10:03d}", f"Chaosbrand B{n:05d}"
        gtin = wrong_check_digit(ean13(f"4010{n:08d}"))
        lines.append(line(seller, f"BAD-{n:05d}", f"{brand} kettle", brand, gtin, 1))
        expected[(seller, f"BAD-{n:05d}")] = Expected("rejected", code="IDENTIFIER_INVALID_CHECKSUM")
    lines += rng.sample(new, 200)  # the same lines again, verbatim: one effect each
    throttled_sellers = {}
    for n in range(300):  # 30 new products per seller: 20 granted, 10 wait
        seller, brand = f"CH-FLOOD-{n // 30:02d}", f"Chaosbrand F{n:05d}"
        lines.append(line(seller, f"FLOOD-{n:05d}", f"{brand} blender", brand, ean13(f"4011{n:08d}"), 3))
        expected[(seller, f"FLOOD-{n:05d}")] = Expected(frozenset({"active", "throttled"}))
        throttled_sellers[seller] = 30 - LIMIT
    rng.shuffle(lines)
    assert len(lines) == 3000
    return lines, expected, throttled_sellers


def service_pids(run: subprocess.Popen[bytes]) -> dict[str, psutil.Process]:
    found = {}
    for p in psutil.Process(run.pid).children(recursive=True):
        cmd = " ".join(p.cmdline())
        for module in SERVICES:
            if f"-m {module}" in cmd:
                found[module] = p
    return found


async def kill_randomly(run: subprocess.Popen[bytes], n: int, rng: random.Random) -> list[str]:
    killed = []
    while len(killed) < n:
        await asyncio.sleep(rng.uniform(0.5, 3.0))
        alive = service_pids(run)
        if not alive:
            continue
        module = rng.choice(sorted(alive))
        alive[module].send_signal(signal.SIGKILL)
        killed.append(module)
    return killed


async def test_ten_random_kill_9_during_a_3000_line_feed_lose_nothing_and_apply_nothing_twice(tmp_path: Path) -> None:
    lines, expected, throttled_sellers = feed(seed=20261201)
    path = tmp_path / "chaos.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    run = start_run(tmp_path, "--max-restarts", "20", feed=None)
    try:
        await wait_serving(run, tmp_path)
        published = await asinflow("publish", str(path), cwd=tmp_path, timeout=120)
        assert published.code == 0, published.err
        killed = await kill_randomly(run, 10, random.Random(7))
        env = dict(x.split("=", 1) for x in (tmp_path / ".asinflow" / "stack.env").read_text().splitlines())
        conn = await asyncpg.connect(env["DATABASE_URL"])
        try:
            rows = await settled(conn, len(expected), timeout=600)
            await check_outcome(conn, rows, expected, throttled_sellers, env["REDIS_URL"])
        finally:
            await conn.close()
        err = (tmp_path / "run.err").read_text()
        for module in set(killed):
            service = module.removeprefix("asinflow_").replace("_", "-")
            assert f"{service} killed by SIGKILL" in err
        assert err.count("killed by SIGKILL") == len(killed) == 10
    finally:
        if run.poll() is None:
            ctrl_c(run)
            await asyncio.to_thread(run.wait, 120)


async def settled(conn: asyncpg.Connection, n: int, timeout: float) -> list[asyncpg.Record]:
    query = """SELECT DISTINCT ON (listing_id) listing_id, seller_id, sku, state, asin, issues, version
               FROM ledger.versions WHERE batch_id = $1 ORDER BY listing_id, version DESC"""
    deadline = time.monotonic() + timeout
    while True:
        rows = await conn.fetch(query, BATCH)
        done = [r for r in rows if r["state"] in ("active", "inactive", "rejected", "throttled")]
        if len(done) == n or time.monotonic() > deadline:
            assert len(rows) == n, f"{n - len(rows)} listings lost (never reached the ledger)"
            assert len(done) == n, f"{n - len(done)} listings not settled: {Counter(r['state'] for r in rows)}"
            await asyncio.sleep(3)  # anything still in flight would show in the checks below
            return list(await conn.fetch(query, BATCH))
        await asyncio.sleep(1)


async def check_outcome(
    conn: asyncpg.Connection,
    rows: list[asyncpg.Record],
    expected: dict[tuple[str, str], Expected],
    throttled_sellers: dict[str, int],
    redis_url: str,
) -> None:
    by_key = {(r["seller_id"], r["sku"]): r for r in rows}
    assert set(by_key) == set(expected)
    wrong = []
    asins: dict[str, set[str]] = defaultdict(set)
    states_of_sellers: dict[str, Counter[str]] = defaultdict(Counter)
    for key, want in expected.items():
        row = by_key[key]
        states = want.state if isinstance(want.state, frozenset) else {want.state}
        issues = json.loads(row["issues"]) if isinstance(row["issues"], str) else row["issues"]
        if row["state"] not in states:
            wrong.append((key, row["state"], issues[:1]))
        if want.code is not None and (not issues or issues[0]["code"] != want.code):
            wrong.append((key, "code", issues[:1]))
        if want.product is not None:
            asins[want.product].add(row["asin"])
        states_of_sellers[key[0]][row["state"]] += 1
    assert wrong == [], f"{len(wrong)} listings in a wrong state, e.g. {wrong[:5]}"
    assert {p: a for p, a in asins.items() if len(a) != 1} == {}, "a shared product has several ASINs"
    for seller, waiting in throttled_sellers.items():  # exactly the limit granted, the rest waits
        assert states_of_sellers[seller]["throttled"] == waiting, (seller, states_of_sellers[seller])

    # nothing applied twice
    assert await conn.fetchval("SELECT count(*) FROM ledger.versions WHERE batch_id = $1 AND version > 1", BATCH) == 0
    twice = await conn.fetch("SELECT event_id FROM ledger.history GROUP BY event_id HAVING count(*) > 1 LIMIT 5")
    assert twice == []
    assert await conn.fetchval("SELECT count(*) FROM ledger.history WHERE NOT legal") == 0
    offers = await conn.fetchval("SELECT count(*) FROM catalog.offers WHERE seller_id LIKE 'CH-%'")
    assert offers == sum(1 for r in rows if r["state"] in ("active", "inactive"))
    # no duplicate ASIN: one item per product, every item created by exactly one of our listings' products
    items = await conn.fetchval(
        "SELECT count(*) FROM catalog.items i WHERE EXISTS (SELECT 1 FROM catalog.offers o "
        "WHERE o.asin = i.asin AND o.seller_id LIKE 'CH-%')"
    )
    new_products = sum(1 for (s, _), w in expected.items() if w.product is None and w.code is None)
    throttled = sum(throttled_sellers.values())
    assert items == new_products - throttled + len(asins)
    # never over-granted: grants per seller and week, and the Redis counters
    over = await conn.fetch(
        "SELECT seller_id, week, count(*) AS n FROM creation_quota.grants WHERE seller_id LIKE 'CH-%' "
        "GROUP BY seller_id, week HAVING count(*) > $1",
        LIMIT,
    )
    assert over == []
    client = aioredis.Redis.from_url(redis_url)
    try:
        used = [int(await client.get(key) or 0) async for key in client.scan_iter("quota:{CH-*}:*:used")]
    finally:
        await client.aclose()
    assert used and max(used) <= LIMIT
