"""A seller's weekly limit and withdrawal verdict at an instant, from its sales, grants and restores; and
the view ``asinflow quota show`` prints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from asinflow_creation_quota.adapters.postgres import PostgresQuotaStore
from asinflow_creation_quota.config import QuotaSettings
from asinflow_creation_quota.domain.capacity import Limit
from asinflow_creation_quota.domain.standing import facts_window, standing
from asinflow_creation_quota.domain.weeks import iso_week, next_week_start
from asinflow_creation_quota.domain.withdrawal import Verdict
from asinflow_creation_quota.store import QuotaCounters


async def seller_state(
    conn: asyncpg.Connection | asyncpg.Pool, settings: QuotaSettings, seller_id: str, at: datetime
) -> tuple[Limit, Verdict]:
    if isinstance(conn, asyncpg.Pool):
        async with conn.acquire() as acquired:
            return await seller_state(acquired, settings, seller_id, at)
    policy, rule = settings.capacity, settings.withdrawal
    facts = await PostgresQuotaStore(conn).seller_facts([seller_id], facts_window(policy, rule, at))
    found = standing(policy, rule, facts[seller_id], at)
    return found.limit, found.verdict


async def quota_view(
    conn: asyncpg.Connection | asyncpg.Pool, store: QuotaCounters, settings: QuotaSettings, seller_id: str, at: datetime
) -> dict[str, Any]:
    """``{"seller_id", "week", "limit", "used", "withdrawn", "resets_at"}`` (DESIGN §6) and how they came about.
    Only reads (the counters too: ``usage_many``); on the connection given, or on one of the pool."""
    if isinstance(conn, asyncpg.Pool):
        async with conn.acquire() as acquired:
            return await quota_view(acquired, store, settings, seller_id, at)
    week = iso_week(at)
    limit, verdict = await seller_state(conn, settings, seller_id, at)
    waiting = await PostgresQuotaStore(conn).throttled_counts([seller_id])
    used = await store.usage_many([(seller_id, week)])
    return {
        "seller_id": seller_id,
        "week": week,
        "limit": limit.limit,
        "used": used[(seller_id, week)],
        "withdrawn": verdict.withdrawn,
        "resets_at": next_week_start(at).isoformat(),
        "throttled": waiting[seller_id],
        "tier": limit.tier,
        "limit_explained": limit.explain(),
        "withdrawal": verdict.reason,
        "function": settings.capacity.describe(),
    }
