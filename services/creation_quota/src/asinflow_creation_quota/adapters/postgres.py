"""The creation-quota service's PostgreSQL tables: the queue of listings waiting for capacity, grants,
sales and operator restores."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import asyncpg

from asinflow_creation_quota.domain.sales import DaySales, SalesHistory
from asinflow_creation_quota.domain.withdrawal import OperatorRestore

SCHEMA = "creation_quota"


@dataclass(frozen=True)
class Queued:
    proposal_id: uuid.UUID
    listing_id: uuid.UUID
    seller_id: str
    priority: int
    since: datetime
    cause_id: uuid.UUID
    body: str
    status: str
    throttled_id: uuid.UUID | None


async def lock_sellers(conn: asyncpg.Connection, sellers: Iterable[str]) -> None:
    """Serialise the settling of one seller across service instances (until the transaction ends)."""
    for seller in sorted(set(sellers)):
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('creation_quota:' || $1, 0))", seller)


async def enqueue(conn: asyncpg.Connection, rows: Sequence[Queued]) -> None:
    """Queue new listings; an earlier version of the same listing still waiting is superseded (the ledger
    follows the newest version only, and only the newest may take a unit)."""
    await conn.execute(
        f"""UPDATE {SCHEMA}.queue SET status = 'superseded', decided_at = now()
             WHERE listing_id = ANY($1::uuid[]) AND NOT proposal_id = ANY($2::uuid[])
               AND status IN ('waiting', 'throttled')""",
        [r.listing_id for r in rows],
        [r.proposal_id for r in rows],
    )
    await conn.executemany(
        f"""INSERT INTO {SCHEMA}.queue (proposal_id, listing_id, seller_id, priority, since, cause_id, body, status)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, 'waiting') ON CONFLICT (proposal_id) DO NOTHING""",
        [(r.proposal_id, r.listing_id, r.seller_id, r.priority, r.since, r.cause_id, r.body) for r in rows],
    )


async def open_queue(conn: asyncpg.Connection, sellers: Iterable[str]) -> list[Queued]:
    rows = await conn.fetch(
        f"""SELECT proposal_id, listing_id, seller_id, priority, since, cause_id, body::text AS body, status,
                   throttled_id
              FROM {SCHEMA}.queue WHERE seller_id = ANY($1) AND status IN ('waiting', 'throttled')""",
        sorted(set(sellers)),
    )
    return [Queued(**dict(r)) for r in rows]


async def sellers_to_release(conn: asyncpg.Connection, week: str, limit: int = 1000) -> list[str]:
    """Sellers with listings throttled in an earlier week: their new week's capacity has opened."""
    rows = await conn.fetch(
        f"""SELECT DISTINCT seller_id FROM {SCHEMA}.queue
             WHERE status = 'throttled' AND week < $1 ORDER BY seller_id LIMIT $2""",
        week,
        limit,
    )
    return [r["seller_id"] for r in rows]


async def mark(
    conn: asyncpg.Connection, rows: Sequence[tuple[uuid.UUID, str, uuid.UUID | None, str | None, datetime]]
) -> None:
    """(proposal id, status, throttled event id, week, at)."""
    await conn.executemany(
        f"""UPDATE {SCHEMA}.queue SET status = $2, throttled_id = coalesce($3, throttled_id), week = $4,
                   decided_at = $5
             WHERE proposal_id = $1""",
        rows,
    )


async def record_grants(conn: asyncpg.Connection, rows: Sequence[tuple[uuid.UUID, str, str, int, datetime]]) -> None:
    await conn.executemany(
        f"""INSERT INTO {SCHEMA}.grants (proposal_id, seller_id, week, unit, granted_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (proposal_id) DO NOTHING""",
        rows,
    )


async def created_per_week(conn: asyncpg.Connection, seller_id: str, weeks: Sequence[str]) -> dict[str, int]:
    rows = await conn.fetch(
        f"""SELECT week, count(*) AS n FROM {SCHEMA}.grants WHERE seller_id = $1 AND week = ANY($2) GROUP BY week""",
        seller_id,
        list(weeks),
    )
    return {r["week"]: int(r["n"]) for r in rows}


async def record_sales(conn: asyncpg.Connection, rows: Sequence[tuple[str, str, date, int, Decimal]]) -> None:
    await conn.executemany(
        f"""INSERT INTO {SCHEMA}.sales (record_id, seller_id, day, units, revenue) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (record_id) DO NOTHING""",
        rows,
    )


async def sales_history(conn: asyncpg.Connection, seller_id: str, since: date) -> SalesHistory:
    rows = await conn.fetch(
        f"SELECT day, units, revenue FROM {SCHEMA}.sales WHERE seller_id = $1 AND day >= $2", seller_id, since
    )
    return SalesHistory.of(DaySales(r["day"], int(r["units"]), Decimal(r["revenue"])) for r in rows)


async def record_restore(conn: asyncpg.Connection, seller_id: str, restore: OperatorRestore) -> None:
    await conn.execute(
        f"""INSERT INTO {SCHEMA}.restores (seller_id, at, operator, reason) VALUES ($1, $2, $3, $4)
            ON CONFLICT DO NOTHING""",
        seller_id,
        restore.at,
        restore.operator,
        restore.reason,
    )


async def latest_restore(conn: asyncpg.Connection, seller_id: str) -> OperatorRestore | None:
    row = await conn.fetchrow(
        f"SELECT at, operator, reason FROM {SCHEMA}.restores WHERE seller_id = $1 ORDER BY at DESC LIMIT 1", seller_id
    )
    return OperatorRestore(row["operator"], row["reason"], row["at"]) if row else None


def body_of(payload_json: str) -> dict[str, object]:
    value = json.loads(payload_json)
    assert isinstance(value, dict)
    return value
