"""Read-only queries of the brand registry, for the CLI and operators."""

from __future__ import annotations

import json
import uuid
from typing import Any

import asyncpg

from asinflow_brand_gating.adapters.postgres import SCHEMA


async def outcome_of(pool: asyncpg.Connection | asyncpg.Pool, event_id: uuid.UUID) -> tuple[bool, str]:
    """Whether a registry event was applied, and why not."""
    row = await pool.fetchrow(f"SELECT applied, reason FROM {SCHEMA}.history WHERE event_id = $1", event_id)
    if row is None:
        return False, "the brand-gating service has not recorded this event"
    return bool(row["applied"]), str(row["reason"])


async def history_of(pool: asyncpg.Connection | asyncpg.Pool, brand_key: str) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        f"""SELECT event_id, event_type, body, applied, reason, recorded_at FROM {SCHEMA}.history
             WHERE brand_key = $1 ORDER BY seq""",
        brand_key,
    )
    return [{**dict(r), "body": json.loads(r["body"])} for r in rows]


async def approval_requests(
    pool: asyncpg.Connection | asyncpg.Pool,
    brand_key: str | None,
    status: str | None,
    *,
    seller_id: str | None = None,
    after: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Approval requests matching every filter given, in request id order, after ``after``, at most ``limit``."""
    rows = await pool.fetch(
        f"""SELECT q.request_id, coalesce(b.display, q.brand_key) AS brand, q.brand_key, q.seller_id, q.skus,
                   q.status, q.missing, q.decided_by, q.reason
              FROM {SCHEMA}.approval_requests q LEFT JOIN {SCHEMA}.brands b USING (brand_key)
             WHERE ($1::text IS NULL OR q.brand_key = $1) AND ($2::text IS NULL OR q.status = $2)
               AND ($3::text IS NULL OR q.seller_id = $3) AND ($4::text IS NULL OR q.request_id > $4)
             ORDER BY q.request_id
             LIMIT $5""",
        brand_key,
        status,
        seller_id,
        after,
        limit,
    )
    return [dict(r) for r in rows]


async def prefixes_of(conn: asyncpg.Connection | asyncpg.Pool, brand_key: str) -> list[str]:
    """The GS1 company prefixes licensed to a brand (index ``prefixes_brand``)."""
    rows = await conn.fetch(f"SELECT prefix FROM {SCHEMA}.prefixes WHERE brand_key = $1 ORDER BY prefix", brand_key)
    return [r["prefix"] for r in rows]


async def requests_of(conn: asyncpg.Connection | asyncpg.Pool, brand_key: str, seller_id: str) -> list[dict[str, Any]]:
    """A seller's approval requests for a brand (index ``approval_requests_brand``)."""
    rows = await conn.fetch(
        f"""SELECT request_id, status, skus, missing, reason FROM {SCHEMA}.approval_requests
             WHERE brand_key = $1 AND seller_id = $2 ORDER BY request_id""",
        brand_key,
        seller_id,
    )
    return [
        {**dict(r), "skus": list(r["skus"]) if r["skus"] is not None else None, "missing": list(r["missing"])}
        for r in rows
    ]
