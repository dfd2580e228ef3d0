"""The service's own tables: its copy of the exemptions, its decisions, variation families, waiting children.

``PostgresValidationStore`` is the storage port (``asinflow_identifier_validation.store``) on the pipeline's
open transaction: one statement per kind of data per batch. ``load_exemptions`` is the read side
(``asinflow preview``).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime

import asyncpg
from asinflow_contracts import topics
from asinflow_contracts.events import ListingProposed

from asinflow_identifier_validation.store import (
    DecisionRecord,
    Exemption,
    ExemptionRecord,
    FamilyRecord,
    Key,
    ValidationStore,
    WaitingChild,
)

SCHEMA = "identifier_validation"
_WAITING = "event_id, event_type, seller_id, sku, parent_sku, body, since"


async def load_exemptions(conn: asyncpg.Connection, ids: Iterable[str]) -> dict[str, Exemption]:
    """The active exemptions among these ids."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = await conn.fetch(
        f"""SELECT exemption_id, brand, sku, seller_id FROM {SCHEMA}.exemptions
             WHERE exemption_id = ANY($1) AND active""",
        wanted,
    )
    return {r["exemption_id"]: Exemption(r["exemption_id"], r["brand"], r["sku"], r["seller_id"]) for r in rows}


class PostgresValidationStore(ValidationStore):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def exemptions(self, exemption_ids: Collection[str]) -> dict[str, ExemptionRecord]:
        if not exemption_ids:
            return {}
        rows = await self.conn.fetch(
            f"""SELECT exemption_id, brand, sku, seller_id, active, changed_at FROM {SCHEMA}.exemptions
                WHERE exemption_id = ANY($1::text[])""",
            sorted(set(exemption_ids)),
        )
        return {
            r["exemption_id"]: ExemptionRecord(
                Exemption(r["exemption_id"], r["brand"], r["sku"], r["seller_id"]), r["active"], _aware(r["changed_at"])
            )
            for r in rows
        }

    async def save_exemptions(self, records: Sequence[ExemptionRecord]) -> None:
        if not records:
            return
        await self.conn.executemany(
            f"""INSERT INTO {SCHEMA}.exemptions (exemption_id, brand, sku, seller_id, active, changed_at)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (exemption_id) DO UPDATE
                   SET brand = excluded.brand, sku = excluded.sku, seller_id = excluded.seller_id,
                       active = excluded.active, changed_at = excluded.changed_at
                 WHERE exemptions.changed_at < excluded.changed_at""",
            [
                (
                    r.exemption.exemption_id,
                    r.exemption.brand,
                    r.exemption.sku,
                    r.exemption.seller_id,
                    r.active,
                    r.changed_at,
                )
                for r in records
            ],
        )

    async def family(self, members: Collection[Key], children_of: Collection[Key]) -> list[FamilyRecord]:
        if not members and not children_of:
            return []
        rows = await self.conn.fetch(
            # two index lookups joined to the batch's keys (an OR of two IN lists read the whole table)
            f"""SELECT f.seller_id, f.sku, f.parent_sku, f.proposal::text AS proposal, f.gtin14 FROM {SCHEMA}.family f
                  JOIN unnest($1::text[], $2::text[]) AS m(seller_id, sku)
                    ON f.seller_id = m.seller_id AND f.sku = m.sku
                UNION
                SELECT f.seller_id, f.sku, f.parent_sku, f.proposal::text, f.gtin14 FROM {SCHEMA}.family f
                  JOIN unnest($3::text[], $4::text[]) AS c(seller_id, parent_sku)
                    ON f.seller_id = c.seller_id AND f.parent_sku = c.parent_sku""",
            [m[0] for m in members],
            [m[1] for m in members],
            [p[0] for p in children_of],
            [p[1] for p in children_of],
        )
        return [
            FamilyRecord(
                r["seller_id"],
                r["sku"],
                r["parent_sku"],
                ListingProposed.model_validate_json(r["proposal"]),
                r["gtin14"],
            )
            for r in rows
        ]

    async def latest_rejected(self, listing_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        if not listing_ids:
            return set()
        rows = await self.conn.fetch(
            f"""SELECT listing_id FROM (SELECT DISTINCT ON (listing_id) listing_id, outcome FROM {SCHEMA}.decisions
                  WHERE listing_id = ANY($1::uuid[]) ORDER BY listing_id, decided_at DESC) latest
                WHERE outcome = $2""",
            list(listing_ids),
            topics.LISTING_REJECTED,
        )
        return {r["listing_id"] for r in rows}

    async def waiting_children(self, parents: Collection[Key]) -> list[WaitingChild]:
        if not parents:
            return []
        rows = await self.conn.fetch(
            f"""WITH RECURSIVE parent (seller_id, sku) AS (
                    SELECT * FROM unnest($1::text[], $2::text[])
                  UNION
                    SELECT w.seller_id, w.sku FROM {SCHEMA}.waiting_children w
                      JOIN parent p ON w.seller_id = p.seller_id AND w.parent_sku = p.sku
                )
                SELECT {_WAITING} FROM {SCHEMA}.waiting_children
                WHERE (seller_id, parent_sku) IN (SELECT seller_id, sku FROM parent)
                ORDER BY since FOR UPDATE""",
            [p[0] for p in parents],
            [p[1] for p in parents],
        )
        return [_waiting(r) for r in rows]

    async def save_decisions(self, decisions: Sequence[DecisionRecord]) -> None:
        if not decisions:
            return
        await self.conn.execute(
            f"""INSERT INTO {SCHEMA}.decisions (proposal_id, listing_id, outcome, code)
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])
                ON CONFLICT (proposal_id) DO NOTHING""",
            [d.proposal_id for d in decisions],
            [d.listing_id for d in decisions],
            [d.outcome for d in decisions],
            [d.code for d in decisions],
        )

    async def save_family(self, records: Sequence[FamilyRecord]) -> None:
        if not records:
            return
        await self.conn.executemany(
            f"""INSERT INTO {SCHEMA}.family (seller_id, sku, parent_sku, proposal, gtin14)
                VALUES ($1, $2, $3, $4::jsonb, $5)
                ON CONFLICT (seller_id, sku) DO UPDATE SET parent_sku = excluded.parent_sku,
                  proposal = excluded.proposal, gtin14 = excluded.gtin14, updated_at = now()""",
            [(r.seller_id, r.sku, r.parent_sku, r.proposal.model_dump_json(), r.gtin14) for r in records],
        )

    async def park_children(self, children: Sequence[WaitingChild]) -> None:
        if not children:
            return
        await self.conn.executemany(
            f"""INSERT INTO {SCHEMA}.waiting_children (event_id, event_type, seller_id, sku, parent_sku, body)
                VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING""",
            [(c.event_id, c.event_type, c.seller_id, c.sku, c.parent_sku, c.body) for c in children],
        )

    async def release_children(self, event_ids: Collection[uuid.UUID]) -> None:
        if not event_ids:
            return
        await self.conn.execute(
            f"DELETE FROM {SCHEMA}.waiting_children WHERE event_id = ANY($1::uuid[])", list(event_ids)
        )

    async def take_expired_children(self, older_than_s: float) -> list[WaitingChild]:
        rows = await self.conn.fetch(
            f"""DELETE FROM {SCHEMA}.waiting_children WHERE since < now() - make_interval(secs => $1)
                RETURNING {_WAITING}""",
            older_than_s,
        )
        return [_waiting(r) for r in sorted(rows, key=lambda r: r["since"])]


def _aware(at: datetime) -> datetime:
    """asyncpg gives ``-infinity`` (rows older than the copy's ``changed_at``) as a naive ``datetime.min``."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _waiting(r: asyncpg.Record) -> WaitingChild:
    return WaitingChild(r["event_id"], r["event_type"], r["seller_id"], r["sku"], r["parent_sku"], bytes(r["body"]))
