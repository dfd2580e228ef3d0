"""Weekly creation quotas on the embedded stack (issue 6), with the creation-quota service's clock under
the tests' control (``QUOTA_CLOCK``): limits, throttling, release by priority after the ISO-week boundary,
growth with sales, withdrawal and its weekly and operator restore, a restart between throttle and release."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import SellerSalesRecorded
from asinflow_contracts.ids import listing_id
from asinflow_creation_quota.domain.weeks import iso_week, next_week_start
from asinflow_runtime.service import ServiceRuntime
from asinflow_runtime.settings import ConsumerSettings

from tests.integration.conftest import QUOTA_CLOCK
from tests.support.cli import asinflow
from tests.support.listings import SETTLED, gtin, proposal, publish_proposal, seller, wait_for

pytestmark = pytest.mark.integration

NEW_SELLER_LIMIT = 20  # the default capacity of a seller with no sales


def listing(s: str, sku: str, n: int, priority: int = 0) -> dict[str, Any]:
    return proposal(
        s,
        sku,
        brand=f"Quotabrand {s[-6:]}",
        title=f"Widget {sku} {uuid.uuid4().hex[:8]}",
        manufacturer=None,
        model_number=None,
        product_type="WIDGET",
        identifiers=[{"type": "EAN", "value": gtin(s, n)}],
        priority=priority,
    )


async def states(pool, s: str) -> dict[str, str]:
    rows = await pool.fetch(
        "SELECT DISTINCT ON (sku) sku, state FROM ledger.versions WHERE seller_id = $1 ORDER BY sku, version DESC", s
    )
    return {r["sku"]: r["state"] for r in rows}


async def settle(pool, s: str, n: int, timeout: float = 60.0) -> dict[str, str]:
    """Wait until the seller's ``n`` listings are all settled; their states."""
    query = (
        "SELECT count(*) FROM (SELECT DISTINCT ON (sku) state FROM ledger.versions WHERE seller_id = $1 "
        "ORDER BY sku, version DESC) v WHERE state = ANY($2)"
    )
    await wait_for(pool, query, s, list(SETTLED), predicate=lambda c: c == n, timeout=timeout)
    return await states(pool, s)


async def wait_until_active(pool, s: str, skus: set[str], timeout: float = 30.0) -> None:
    query = (
        "SELECT count(*) FROM (SELECT DISTINCT ON (sku) state FROM ledger.versions WHERE seller_id = $1 "
        "AND sku = ANY($2) ORDER BY sku, version DESC) v WHERE state = 'active'"
    )
    await wait_for(pool, query, s, sorted(skus), predicate=lambda n: n == len(skus), timeout=timeout)


def monday_after(at: datetime) -> datetime:
    return next_week_start(at)


async def test_over_the_limit_listings_wait_and_are_released_by_priority_after_the_week_boundary(
    services, infra, producer, pool
) -> None:
    s = seller()
    week = iso_week(QUOTA_CLOCK.now())
    for i in range(NEW_SELLER_LIMIT):
        await publish_proposal(producer, listing(s, f"FIRST-{i:02d}", i))
    assert set((await settle(pool, s, NEW_SELLER_LIMIT)).values()) == {"active"}
    # 25 more: all over this week's limit. Priorities 0..4; within a priority the older ones first.
    for i in range(25):
        QUOTA_CLOCK.advance(timedelta(seconds=1))
        await publish_proposal(producer, listing(s, f"MORE-{i:02d}", 100 + i, priority=i % 5))
    after = await settle(pool, s, NEW_SELLER_LIMIT + 25)
    throttled = sorted(sku for sku, state in after.items() if state == "throttled")
    assert len(throttled) == 25
    issues = json.loads(
        await pool.fetchval(
            "SELECT issues FROM ledger.versions WHERE listing_id = $1 ORDER BY version DESC LIMIT 1",
            listing_id(s, "MORE-00"),
        )
    )
    [limit_issue] = [i for i in issues if i["code"] == "CREATION_LIMIT_REACHED"]
    assert limit_issue["amazon_code"] == 8571
    returns = monday_after(QUOTA_CLOCK.now())
    assert f"{returns:%Y-%m-%d} 00:00 UTC" in limit_issue["message"] and week in limit_issue["message"]
    view = json.loads(
        (
            await asinflow("quota", "show", s, "--json", "--at", f"{QUOTA_CLOCK.now():%Y-%m-%dT%H:%M:%S}", infra=infra)
        ).out
    )
    assert (view["week"], view["limit"], view["used"], view["withdrawn"]) == (week, 20, 20, False)
    assert view["resets_at"] == returns.isoformat() and view["throttled"] == 25

    # the service stops before the boundary and comes back after it: the release survives the restart
    quota = services.pop("creation-quota")
    await quota.stop()
    QUOTA_CLOCK.set(returns)
    restarted = ServiceRuntime(quota.spec, infra, ConsumerSettings(fetch_max_wait_ms=50))
    await restarted.start()
    services["creation-quota"] = restarted
    expected = {f"MORE-{i:02d}" for i in range(25) if i % 5 >= 1}  # priorities 4, 3, 2, 1: 20 listings
    await wait_until_active(pool, s, expected)
    await asyncio.sleep(1.0)  # further ticks release nothing more this week
    final = await states(pool, s)
    assert {sku for sku, state in final.items() if state == "throttled"} == {f"MORE-{i:02d}" for i in range(0, 25, 5)}
    granted = await pool.fetch(
        "SELECT listing_id, count(*) AS n FROM ledger.history WHERE event_type = $1 AND listing_id = ANY($2) "
        "GROUP BY listing_id",
        topics.LISTING_QUOTA_GRANTED,
        [listing_id(s, sku) for sku in final],
    )
    assert len(granted) == NEW_SELLER_LIMIT + 20 and all(r["n"] == 1 for r in granted)  # none released twice
    released = await pool.fetch(
        "SELECT v.sku, q.priority, q.since FROM creation_quota.queue q JOIN ledger.versions v USING (proposal_id) "
        "WHERE q.seller_id = $1 AND q.week = $2 AND q.status = 'granted' ORDER BY q.decided_at",
        s,
        iso_week(returns),
    )
    assert sorted(r["sku"] for r in released) == sorted(expected)


async def record_sales(producer, s: str, day: date, units: int, revenue: str) -> None:
    event = SellerSalesRecorded(seller_id=s, day=day, units=units, revenue=Decimal(revenue), record_id=uuid.uuid4().hex)
    envelope = Envelope(id=uuid.uuid4(), type=topics.SELLER_SALES_RECORDED, source="/tests", subject=s)
    await producer.send_and_wait(
        topics.SELLER_SALES_RECORDED, event.model_dump_json().encode(), key=s.encode(), headers=envelope.to_headers()
    )


async def test_sales_raise_the_limit_and_release_what_waits(services, infra, producer, pool) -> None:
    s = seller()
    for i in range(NEW_SELLER_LIMIT + 3):
        await publish_proposal(producer, listing(s, f"L-{i:02d}", i))
    assert sorted((await settle(pool, s, NEW_SELLER_LIMIT + 3)).values()).count("throttled") == 3
    await record_sales(producer, s, QUOTA_CLOCK.now().date(), units=2, revenue="30.00")  # starter: 20 + 2 × 2 = 24
    await wait_until_active(pool, s, {f"L-{i:02d}" for i in range(NEW_SELLER_LIMIT + 3)})
    result = await asinflow("quota", "show", s, "--at", f"{QUOTA_CLOCK.now():%Y-%m-%dT%H:%M:%S}", infra=infra)
    assert result.code == 0, result.err
    assert "23 of 24 used" in result.out and "tier starter" in result.out and "new: no units sold" in result.out


async def test_a_flooding_seller_loses_creation_until_the_weekly_re_evaluation_or_an_operator(
    services, infra, producer, pool
) -> None:
    s = seller()
    await record_sales(producer, s, QUOTA_CLOCK.now().date(), units=3, revenue="12.00")  # limit 26, 3 units sold
    await asyncio.sleep(0.5)
    for i in range(26):
        await publish_proposal(producer, listing(s, f"F-{i:02d}", i))
    assert set((await settle(pool, s, 26)).values()) == {"active"}
    QUOTA_CLOCK.set(monday_after(QUOTA_CLOCK.now()) + timedelta(hours=1))  # last week: 26 created, 3 sold
    await publish_proposal(producer, listing(s, "AFTER-1", 100))
    after = await settle(pool, s, 27)
    assert after["AFTER-1"] == "rejected"
    first = json.loads(
        await pool.fetchval(
            "SELECT issues FROM ledger.versions WHERE listing_id = $1 ORDER BY version DESC LIMIT 1",
            listing_id(s, "AFTER-1"),
        )
    )[0]
    assert first["code"] == "CREATION_RIGHTS_WITHDRAWN" and "26 listings created and 3 units sold" in first["message"]

    result = await asinflow("quota", "restore", s, "--reason", "catalogue migration, reviewed", infra=infra)
    assert result.code == 0, result.err
    again = await publish_proposal(producer, listing(s, "AFTER-2", 101))
    await wait_for(
        pool, "SELECT state FROM ledger.versions WHERE proposal_id = $1", again, predicate=lambda v: v == "active"
    )
    restores = await pool.fetch("SELECT operator, reason FROM creation_quota.restores WHERE seller_id = $1", s)
    assert [(r["operator"], r["reason"]) for r in restores] == [("operator", "catalogue migration, reviewed")]

    QUOTA_CLOCK.set(monday_after(QUOTA_CLOCK.now()) + timedelta(hours=1))  # re-evaluated: 1 created last week
    await publish_proposal(producer, listing(s, "AFTER-3", 102))
    assert (await settle(pool, s, 29))["AFTER-3"] == "active"


async def test_a_new_version_of_a_throttled_listing_supersedes_it(services, producer, pool) -> None:
    s = seller()
    for i in range(NEW_SELLER_LIMIT + 1):
        await publish_proposal(producer, listing(s, f"V-{i:02d}", i))
    before = await settle(pool, s, NEW_SELLER_LIMIT + 1)
    [waiting] = [sku for sku, state in before.items() if state == "throttled"]
    first_proposal = await pool.fetchval(
        "SELECT proposal_id FROM ledger.versions WHERE listing_id = $1 AND version = 1", listing_id(s, waiting)
    )
    changed = listing(s, waiting, 500)  # the seller sends the listing again, with another GTIN
    second = await publish_proposal(producer, changed)
    await wait_for(
        pool,
        "SELECT state FROM ledger.versions WHERE proposal_id = $1",
        second,
        predicate=lambda v: v == "throttled",
    )
    statuses = dict(
        await pool.fetch(
            "SELECT proposal_id, status FROM creation_quota.queue WHERE listing_id = $1", listing_id(s, waiting)
        )
    )
    assert statuses == {first_proposal: "superseded", second: "throttled"}
    QUOTA_CLOCK.set(monday_after(QUOTA_CLOCK.now()))
    await wait_for(
        pool, "SELECT state FROM ledger.versions WHERE proposal_id = $1", second, predicate=lambda v: v == "active"
    )
    granted = await pool.fetchval(
        "SELECT count(*) FROM creation_quota.grants WHERE proposal_id = ANY($1::uuid[])", [first_proposal, second]
    )
    assert granted == 1
