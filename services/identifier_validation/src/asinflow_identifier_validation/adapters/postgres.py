"""The service's own tables: exemptions and the record of its decisions."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg
from asinflow_contracts import topics

from asinflow_identifier_validation.domain.exemptions import Exemption

SCHEMA = "identifier_validation"


async def load_exemptions(conn: asyncpg.Connection, ids: Iterable[str]) -> dict[str, Exemption]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = await conn.fetch(
        f"""SELECT exemption_id, brand, sku, seller_id FROM {SCHEMA}.exemptions
             WHERE exemption_id = ANY($1) AND active""",
        wanted,
    )
    return {r["exemption_id"]: Exemption(r["exemption_id"], r["brand"], r["sku"], r["seller_id"]) for r in rows}


async def save_exemption_changes(conn: asyncpg.Connection, changes: Sequence[tuple[Exemption, bool, datetime]]) -> None:
    """(exemption, active, made at): grants and revocations; the one made last wins, whatever the order."""
    if changes:
        await conn.executemany(
            f"""INSERT INTO {SCHEMA}.exemptions (exemption_id, brand, sku, seller_id, active, changed_at)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (exemption_id) DO UPDATE
                   SET brand = excluded.brand, sku = excluded.sku, seller_id = excluded.seller_id,
                       active = excluded.active, changed_at = excluded.changed_at
                 WHERE exemptions.changed_at < excluded.changed_at""",
            [(e.exemption_id, e.brand, e.sku, e.seller_id, active, at) for e, active, at in changes],
        )


async def save_decisions(conn: asyncpg.Connection, rows: Sequence[tuple[object, object, str, str | None]]) -> None:
    if rows:
        await conn.execute(
            f"""INSERT INTO {SCHEMA}.decisions (proposal_id, listing_id, outcome, code)
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])
                ON CONFLICT (proposal_id) DO NOTHING""",
            [r[0] for r in rows],
            [r[1] for r in rows],
            [r[2] for r in rows],
            [r[3] for r in rows],
        )


async def load_family(
    conn: asyncpg.Connection, members: Sequence[tuple[str, str]], parents: Sequence[tuple[str, str]]
) -> list[tuple[str, str, str | None, str, str | None]]:
    """Family rows (seller_id, sku, parent_sku, proposal json, gtin14) of the given members and of the children
    of the given parents."""
    if not members and not parents:
        return []
    rows = await conn.fetch(
        f"""SELECT seller_id, sku, parent_sku, proposal::text AS proposal, gtin14 FROM {SCHEMA}.family f
            WHERE (seller_id, sku) IN (SELECT * FROM unnest($1::text[], $2::text[]))
               OR (seller_id, parent_sku) IN (SELECT * FROM unnest($3::text[], $4::text[]))""",
        [m[0] for m in members],
        [m[1] for m in members],
        [p[0] for p in parents],
        [p[1] for p in parents],
    )
    return [(r["seller_id"], r["sku"], r["parent_sku"], r["proposal"], r["gtin14"]) for r in rows]


async def latest_rejected(conn: asyncpg.Connection, listing_ids: Sequence[object]) -> set[object]:
    """Which of these listings' latest proposal was rejected."""
    rows = await conn.fetch(
        f"""SELECT listing_id FROM (SELECT DISTINCT ON (listing_id) listing_id, outcome FROM {SCHEMA}.decisions
              WHERE listing_id = ANY($1::uuid[]) ORDER BY listing_id, decided_at DESC) latest
            WHERE outcome = $2""",
        list(listing_ids),
        topics.LISTING_REJECTED,
    )
    return {r["listing_id"] for r in rows}


async def save_family(conn: asyncpg.Connection, rows: Sequence[tuple[str, str, str | None, str, str | None]]) -> None:
    if rows:
        await conn.executemany(
            f"""INSERT INTO {SCHEMA}.family (seller_id, sku, parent_sku, proposal, gtin14)
                VALUES ($1, $2, $3, $4::jsonb, $5)
                ON CONFLICT (seller_id, sku) DO UPDATE SET parent_sku = excluded.parent_sku,
                  proposal = excluded.proposal, gtin14 = excluded.gtin14, updated_at = now()""",
            rows,
        )


@dataclass(frozen=True)
class WaitingChild:
    event_id: uuid.UUID
    event_type: str
    seller_id: str
    sku: str
    parent_sku: str
    body: bytes


async def park_children(conn: asyncpg.Connection, children: Sequence[WaitingChild]) -> None:
    if children:
        await conn.executemany(
            f"""INSERT INTO {SCHEMA}.waiting_children (event_id, event_type, seller_id, sku, parent_sku, body)
                VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING""",
            [(c.event_id, c.event_type, c.seller_id, c.sku, c.parent_sku, c.body) for c in children],
        )


async def release_children(conn: asyncpg.Connection, parents: Sequence[tuple[str, str]]) -> list[WaitingChild]:
    """Children waiting for these (now decided) parents, taken out of the waiting room, oldest first."""
    if not parents:
        return []
    rows = await conn.fetch(
        f"""DELETE FROM {SCHEMA}.waiting_children
            WHERE (seller_id, parent_sku) IN (SELECT * FROM unnest($1::text[], $2::text[]))
            RETURNING event_id, event_type, seller_id, sku, parent_sku, body, since""",
        [p[0] for p in parents],
        [p[1] for p in parents],
    )
    return [_waiting(r) for r in sorted(rows, key=lambda r: r["since"])]


async def expire_children(conn: asyncpg.Connection, older_than_s: float) -> list[WaitingChild]:
    rows = await conn.fetch(
        f"""DELETE FROM {SCHEMA}.waiting_children WHERE since < now() - make_interval(secs => $1)
            RETURNING event_id, event_type, seller_id, sku, parent_sku, body, since""",
        older_than_s,
    )
    return [_waiting(r) for r in sorted(rows, key=lambda r: r["since"])]


def _waiting(r: asyncpg.Record) -> WaitingChild:
    return WaitingChild(r["event_id"], r["event_type"], r["seller_id"], r["sku"], r["parent_sku"], bytes(r["body"]))
