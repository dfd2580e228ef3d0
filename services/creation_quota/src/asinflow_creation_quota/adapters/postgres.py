"""The creation-quota service's PostgreSQL tables (schema ``creation_quota``) behind ``store.QuotaStore``: the
queue of listings waiting for capacity, grants, sales and operator restores. One statement per kind of data
per batch; writes are set-based (``unnest``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal

import asyncpg

from asinflow_creation_quota.domain.queue import Decision, Queued
from asinflow_creation_quota.domain.sales import DaySales, SalesHistory
from asinflow_creation_quota.domain.standing import FactsWindow, SellerFacts
from asinflow_creation_quota.domain.withdrawal import OperatorRestore
from asinflow_creation_quota.store import RestoreRecord, SaleRecord

SCHEMA = "creation_quota"


class PostgresQuotaStore:
    """``store.QuotaStore`` on one connection (the pipeline's open transaction)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def lock_sellers(self, sellers: Collection[str]) -> None:
        if not sellers:
            return
        await self.conn.execute(
            """SELECT pg_advisory_xact_lock(k) FROM (
                   SELECT DISTINCT hashtextextended('creation_quota:' || s, 0) AS k FROM unnest($1::text[]) AS s
                   ORDER BY k) keys""",
            sorted(set(sellers)),
        )

    async def record_sales(self, sales: Sequence[SaleRecord]) -> None:
        if not sales:
            return
        await self.conn.execute(
            f"""INSERT INTO {SCHEMA}.sales (record_id, seller_id, day, units, revenue)
                SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::int[], $5::numeric[])
                ON CONFLICT (record_id) DO NOTHING""",
            [s.record_id for s in sales],
            [s.seller_id for s in sales],
            [s.day for s in sales],
            [s.units for s in sales],
            [s.revenue for s in sales],
        )

    async def record_restores(self, restores: Sequence[RestoreRecord]) -> None:
        if not restores:
            return
        await self.conn.execute(
            f"""INSERT INTO {SCHEMA}.restores (seller_id, at, operator, reason)
                SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[])
                ON CONFLICT DO NOTHING""",
            [r.seller_id for r in restores],
            [r.restore.at for r in restores],
            [r.restore.operator for r in restores],
            [r.restore.reason for r in restores],
        )

    async def enqueue(self, entries: Sequence[Queued]) -> None:
        if not entries:
            return
        await self.conn.execute(
            f"""UPDATE {SCHEMA}.queue SET status = 'superseded', decided_at = now()
                 WHERE listing_id = ANY($1::uuid[]) AND NOT proposal_id = ANY($2::uuid[])
                   AND status IN ('waiting', 'throttled')""",
            [e.listing_id for e in entries],
            [e.proposal_id for e in entries],
        )
        await self.conn.execute(
            f"""INSERT INTO {SCHEMA}.queue (proposal_id, listing_id, seller_id, priority, since, cause_id, body, status)
                SELECT p, l, s, pr, t, c, b::jsonb, 'waiting'
                  FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::timestamptz[], $6::uuid[], $7::text[])
                       WITH ORDINALITY AS e(p, l, s, pr, t, c, b, n)
                 ORDER BY n
                ON CONFLICT (proposal_id) DO NOTHING""",
            [e.proposal_id for e in entries],
            [e.listing_id for e in entries],
            [e.seller_id for e in entries],
            [e.priority for e in entries],
            [e.since for e in entries],
            [e.cause_id for e in entries],
            [e.body for e in entries],
        )

    async def sellers_to_release(self, week: str, limit: int) -> list[str]:
        rows = await self.conn.fetch(
            f"""SELECT DISTINCT seller_id FROM {SCHEMA}.queue
                 WHERE status = 'throttled' AND week < $1 ORDER BY seller_id LIMIT $2""",
            week,
            limit,
        )
        return [r["seller_id"] for r in rows]

    async def open_queue(self, sellers: Collection[str]) -> list[Queued]:
        if not sellers:
            return []
        rows = await self.conn.fetch(
            f"""SELECT proposal_id, listing_id, seller_id, priority, since, cause_id, body::text AS body, status,
                       throttled_id
                  FROM {SCHEMA}.queue WHERE seller_id = ANY($1::text[]) AND status IN ('waiting', 'throttled')""",
            sorted(set(sellers)),
        )
        return [Queued(**dict(r)) for r in rows]

    async def seller_facts(self, sellers: Collection[str], window: FactsWindow) -> dict[str, SellerFacts]:
        asked = sorted(set(sellers))
        if not asked:
            return {}
        sales: dict[str, list[DaySales]] = {s: [] for s in asked}
        for r in await self.conn.fetch(
            f"""SELECT seller_id, day, units, revenue FROM {SCHEMA}.sales
                 WHERE seller_id = ANY($1::text[]) AND day >= $2""",
            asked,
            window.since,
        ):
            sales[r["seller_id"]].append(DaySales(r["day"], int(r["units"]), Decimal(r["revenue"])))
        created: dict[str, dict[str, int]] = {s: {} for s in asked}
        for r in await self.conn.fetch(
            f"""SELECT seller_id, week, count(*) AS n FROM {SCHEMA}.grants
                 WHERE seller_id = ANY($1::text[]) AND week = ANY($2::text[]) GROUP BY seller_id, week""",
            asked,
            list(window.weeks),
        ):
            created[r["seller_id"]][r["week"]] = int(r["n"])
        restores: dict[str, OperatorRestore] = {}
        for r in await self.conn.fetch(
            f"""SELECT DISTINCT ON (seller_id) seller_id, at, operator, reason FROM {SCHEMA}.restores
                 WHERE seller_id = ANY($1::text[]) ORDER BY seller_id, at DESC""",
            asked,
        ):
            restores[r["seller_id"]] = OperatorRestore(r["operator"], r["reason"], r["at"])
        return {s: SellerFacts(SalesHistory.of(sales[s]), created[s], restores.get(s)) for s in asked}

    async def save(self, decisions: Sequence[Decision]) -> None:
        if not decisions:
            return
        await self.conn.execute(
            f"""UPDATE {SCHEMA}.queue AS q
                   SET status = d.status, throttled_id = coalesce(d.throttled_id, q.throttled_id), week = d.week,
                       decided_at = d.at
                  FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::timestamptz[])
                       AS d(proposal_id, status, throttled_id, week, at)
                 WHERE q.proposal_id = d.proposal_id""",
            [d.entry.proposal_id for d in decisions],
            [d.status for d in decisions],
            [d.throttled_id for d in decisions],
            [d.week for d in decisions],
            [d.at for d in decisions],
        )
        grants = [d for d in decisions if d.status == "granted"]
        if grants:
            await self.conn.execute(
                f"""INSERT INTO {SCHEMA}.grants (proposal_id, seller_id, week, unit, granted_at)
                    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::timestamptz[])
                    ON CONFLICT (proposal_id) DO NOTHING""",
                [d.entry.proposal_id for d in grants],
                [d.entry.seller_id for d in grants],
                [d.week for d in grants],
                [d.grant.unit if d.grant else None for d in grants],
                [d.at for d in grants],
            )

    async def throttled_counts(self, sellers: Collection[str]) -> dict[str, int]:
        asked = sorted(set(sellers))
        counts = dict.fromkeys(asked, 0)
        if asked:
            for r in await self.conn.fetch(
                f"""SELECT seller_id, count(*) AS n FROM {SCHEMA}.queue
                     WHERE seller_id = ANY($1::text[]) AND status = 'throttled' GROUP BY seller_id""",
                asked,
            ):
                counts[r["seller_id"]] = int(r["n"])
        return counts
