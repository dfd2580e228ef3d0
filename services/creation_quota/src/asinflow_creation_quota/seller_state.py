"""A seller's weekly limit and withdrawal verdict at an instant, from its sales, grants and restores; and
the view ``asinflow quota show`` prints."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import asyncpg

from asinflow_creation_quota.adapters import postgres
from asinflow_creation_quota.adapters.redis_quota import QuotaStore
from asinflow_creation_quota.config import QuotaSettings
from asinflow_creation_quota.domain.capacity import Limit, weekly_limit
from asinflow_creation_quota.domain.weeks import iso_week, next_week_start, trailing_weeks
from asinflow_creation_quota.domain.withdrawal import Verdict, evaluate


async def seller_state(
    conn: asyncpg.Connection | asyncpg.Pool, settings: QuotaSettings, seller_id: str, at: datetime
) -> tuple[Limit, Verdict]:
    policy, rule = settings.capacity, settings.withdrawal
    days = max(policy.window_days, 7 * (rule.weeks + 1))
    history = await postgres.sales_history(conn, seller_id, (at - timedelta(days=days)).date())
    created = await postgres.created_per_week(conn, seller_id, trailing_weeks(at, rule.weeks))
    verdict = evaluate(rule, created, history, at, await postgres.latest_restore(conn, seller_id))
    return weekly_limit(policy, history, at), verdict


async def quota_view(
    pool: asyncpg.Pool, store: QuotaStore, settings: QuotaSettings, seller_id: str, at: datetime
) -> dict[str, Any]:
    """``{"seller_id", "week", "limit", "used", "withdrawn", "resets_at"}`` (DESIGN §6) and how they came about."""
    limit, verdict = await seller_state(pool, settings, seller_id, at)
    week = iso_week(at)
    waiting = await pool.fetchval(
        f"SELECT count(*) FROM {postgres.SCHEMA}.queue WHERE seller_id = $1 AND status = 'throttled'", seller_id
    )
    return {
        "seller_id": seller_id,
        "week": week,
        "limit": limit.limit,
        "used": await store.usage(seller_id, week),
        "withdrawn": verdict.withdrawn,
        "resets_at": next_week_start(at).isoformat(),
        "throttled": int(waiting),
        "tier": limit.tier,
        "limit_explained": limit.explain(),
        "withdrawal": verdict.reason,
        "function": settings.capacity.describe(),
    }
