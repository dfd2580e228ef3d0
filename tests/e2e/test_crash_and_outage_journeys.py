"""Journeys of an operator's bad day: a service killed mid-feed, the database away for a few seconds."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

import asyncpg
import pytest
from asinflow_cli.dlq import read_letters
from asinflow_cli.feed import publish_lines, read_feed
from asinflow_identifier_validation.app import SPEC as VALIDATION
from asinflow_runtime.kafka import new_producer
from asinflow_runtime.service import ServiceRuntime
from asinflow_runtime.settings import ConsumerSettings

from tests.e2e.conftest import ServiceProcess
from tests.support.listings import wait_for

pytestmark = pytest.mark.e2e

FEED_SIZE = 3000


def write_feed(path, seller_id: str, n: int) -> None:
    lines = []
    for i in range(n):
        upc = "036000291452" if i % 3 else "036000291453"  # every third has a wrong check digit
        lines.append(
            json.dumps(
                {
                    "seller_id": seller_id,
                    "sku": f"SKU-{i:05d}",
                    "title": f"Product {i}",
                    "brand": "Acme",
                    "product_type": "GADGET",
                    "identifiers": [{"type": "UPC", "value": upc}],
                    "batch_id": seller_id,
                }
            )
        )
    path.write_text("\n".join(lines) + "\n")


async def publish_feed_file(settings, path) -> None:
    producer = new_producer(settings.kafka_bootstrap_servers)
    await producer.start()
    try:
        await publish_lines(producer, list(read_feed(path)))
    finally:
        await producer.stop()


async def test_services_killed_mid_feed_and_restarted_lose_nothing_and_apply_nothing_twice(
    own_stack, own_pool, tmp_path
) -> None:
    settings = own_stack.settings
    ledger = ServiceProcess("asinflow_lifecycle_ledger", settings, tmp_path)
    validation = ServiceProcess("asinflow_identifier_validation", settings, tmp_path)
    ledger.start()
    validation.start()
    try:
        feed = tmp_path / "feed.jsonl"
        write_feed(feed, "S-CRASH", FEED_SIZE)
        await publish_feed_file(settings, feed)

        decisions = "SELECT count(*) FROM identifier_validation.decisions"
        await wait_for(own_pool, decisions, predicate=lambda n: n >= FEED_SIZE // 5, timeout=60)
        validation.kill()  # SIGKILL: no clean shutdown, offsets of the batch in flight not committed
        versions = "SELECT count(*) FROM ledger.versions WHERE batch_id = 'S-CRASH'"
        await wait_for(own_pool, versions, predicate=lambda n: n >= FEED_SIZE // 3, timeout=60)
        ledger.kill()
        validation.start()
        ledger.start()

        settled = "SELECT count(*) FROM ledger.versions WHERE batch_id = 'S-CRASH' AND state <> 'proposed'"
        try:
            await wait_for(own_pool, settled, predicate=lambda n: n == FEED_SIZE, timeout=150)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{validation.log_tail()}\n{ledger.log_tail()}") from exc
    finally:
        validation.stop()
        ledger.stop()

    assert await own_pool.fetchval(decisions) == FEED_SIZE
    counts = await own_pool.fetch(
        "SELECT state, count(*) AS n FROM ledger.versions WHERE batch_id = 'S-CRASH' GROUP BY state"
    )
    assert {r["state"]: r["n"] for r in counts} == {
        "validated": FEED_SIZE - FEED_SIZE // 3,
        "rejected": FEED_SIZE // 3,
    }
    per_listing = await own_pool.fetch(
        "SELECT listing_id, count(*) AS n, bool_and(legal) AS legal FROM ledger.history "
        "GROUP BY listing_id HAVING count(*) <> 2 OR NOT bool_and(legal)"
    )
    assert per_listing == []  # exactly proposed + validated/rejected for each listing, all legal
    assert await own_pool.fetchval("SELECT count(*) FROM ledger.versions") == FEED_SIZE
    assert await read_letters(settings.kafka_bootstrap_servers) == []


async def test_database_away_for_a_few_seconds_delays_but_does_not_dead_letter(own_stack, own_pool, tmp_path) -> None:
    settings = own_stack.settings
    runtime = ServiceRuntime(VALIDATION, settings, ConsumerSettings(fetch_max_wait_ms=50, retry_max_s=1.0))
    await runtime.start()
    try:
        first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
        write_feed(first, "S-OUT-1", 300)
        write_feed(second, "S-OUT-2", 300)
        await publish_feed_file(settings, first)
        query = "SELECT count(*) FROM identifier_validation.decisions d WHERE d.listing_id IS NOT NULL"
        before = await wait_for(own_pool, query, predicate=lambda n: n >= 300, timeout=60)

        postgres = own_stack.server("postgres")
        postgres.pause()
        await publish_feed_file(settings, second)
        await asyncio.sleep(4)
        retries_while_down = runtime.counters.retries
        postgres.resume()

        # (the decisions table also holds the earlier journey's: compare with it, not with this runtime's count)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                if await own_pool.fetchval(query) >= before + 300:
                    break
            await asyncio.sleep(0.2)
    finally:
        await runtime.stop()
    assert retries_while_down > 0
    assert runtime.counters.dead_lettered == 0
    assert await read_letters(settings.kafka_bootstrap_servers) == []
    async with own_pool.acquire() as conn:  # the pool reconnects to the restarted server
        assert await conn.fetchval(query) >= before + 300
