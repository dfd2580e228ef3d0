"""The brand-gating service's tables (schema ``brand_gating``): load a registry slice, save what changed,
keep the history, rebuild from it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from asinflow_brand_gating.domain.registry import ApprovalRequest, Authorization, Brand, Exemption, Registry

SCHEMA = "brand_gating"


async def load(
    conn: asyncpg.Connection,
    brand_keys: Iterable[str],
    prefixes: Iterable[str],
    exemption_ids: Iterable[str],
    request_ids: Iterable[str],
) -> Registry:
    """The slice of the registry about these brands, prefixes, exemptions and requests."""
    keys = sorted(set(brand_keys))
    registry = Registry()
    for r in await conn.fetch(
        f"SELECT prefix, brand_key FROM {SCHEMA}.prefixes WHERE prefix = ANY($1)", list(prefixes)
    ):
        registry.prefixes[r["prefix"]] = r["brand_key"]
    for r in await conn.fetch(
        f"SELECT * FROM {SCHEMA}.approval_requests WHERE request_id = ANY($1)", sorted(set(request_ids))
    ):
        registry.requests[r["request_id"]] = ApprovalRequest(
            r["request_id"],
            r["brand_key"],
            r["seller_id"],
            tuple(r["skus"]) if r["skus"] is not None else None,
            json.loads(r["evidence"]),
            list(r["missing"]),
            r["status"],
            r["decided_by"],
            r["reason"],
        )
    keys = sorted({*keys, *registry.prefixes.values(), *(q.brand_key for q in registry.requests.values())})
    for r in await conn.fetch(f"SELECT * FROM {SCHEMA}.brands WHERE brand_key = ANY($1)", keys):
        registry.brands[r["brand_key"]] = Brand(r["brand_key"], r["display"], r["owner_seller_id"])
    for r in await conn.fetch(f"SELECT * FROM {SCHEMA}.authorizations WHERE brand_key = ANY($1)", keys):
        registry.authorizations[(r["brand_key"], r["seller_id"])] = Authorization(
            r["brand_key"],
            r["seller_id"],
            tuple(r["skus"]) if r["skus"] is not None else None,
            r["active"],
            r["source"],
            r["changed_at"],
        )
    for r in await conn.fetch(
        f"SELECT * FROM {SCHEMA}.exemptions WHERE exemption_id = ANY($1)", sorted(set(exemption_ids))
    ):
        registry.exemptions[r["exemption_id"]] = Exemption(
            r["exemption_id"], r["brand"], r["brand_key"], r["sku"], r["seller_id"], r["active"], r["changed_at"]
        )
    return registry


async def save(conn: asyncpg.Connection, registry: Registry) -> None:
    """Upsert every entity ``apply`` changed."""
    changed: dict[str, list[Any]] = {}
    for kind, ident in sorted(registry.changed, key=repr):
        changed.setdefault(kind, []).append(ident)
    await conn.executemany(
        f"""INSERT INTO {SCHEMA}.brands (brand_key, display, owner_seller_id) VALUES ($1, $2, $3)
            ON CONFLICT (brand_key) DO UPDATE
               SET display = EXCLUDED.display, owner_seller_id = EXCLUDED.owner_seller_id""",
        [(b.key, b.display, b.owner_seller_id) for k in changed.get("brand", []) for b in [registry.brands[k]]],
    )
    await conn.executemany(
        f"""INSERT INTO {SCHEMA}.authorizations (brand_key, seller_id, skus, active, source, changed_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (brand_key, seller_id) DO UPDATE SET skus = EXCLUDED.skus, active = EXCLUDED.active,
               source = EXCLUDED.source, changed_at = EXCLUDED.changed_at""",
        [
            (a.brand_key, a.seller_id, list(a.skus) if a.skus is not None else None, a.active, a.source, a.changed_at)
            for k in changed.get("authorization", [])
            for a in [registry.authorizations[k]]
        ],
    )
    await conn.executemany(
        f"""INSERT INTO {SCHEMA}.prefixes (prefix, brand_key) VALUES ($1, $2)
            ON CONFLICT (prefix) DO UPDATE SET brand_key = EXCLUDED.brand_key""",
        [(p, registry.prefixes[p]) for p in changed.get("prefix", [])],
    )
    await conn.executemany(
        f"""INSERT INTO {SCHEMA}.exemptions (exemption_id, brand, brand_key, sku, seller_id, active, changed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (exemption_id) DO UPDATE
               SET brand = EXCLUDED.brand, brand_key = EXCLUDED.brand_key, sku = EXCLUDED.sku,
                   seller_id = EXCLUDED.seller_id, active = EXCLUDED.active, changed_at = EXCLUDED.changed_at""",
        [
            (e.exemption_id, e.brand, e.brand_key, e.sku, e.seller_id, e.active, e.changed_at)
            for k in changed.get("exemption", [])
            for e in [registry.exemptions[k]]
        ],
    )
    await conn.executemany(
        f"""INSERT INTO {SCHEMA}.approval_requests
                   (request_id, brand_key, seller_id, skus, evidence, missing, status, decided_by, reason)
            VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9)
            ON CONFLICT (request_id) DO UPDATE
               SET status = EXCLUDED.status, decided_by = EXCLUDED.decided_by, reason = EXCLUDED.reason""",
        [
            (
                q.request_id,
                q.brand_key,
                q.seller_id,
                list(q.skus) if q.skus is not None else None,
                json.dumps(q.evidence),
                q.missing,
                q.status,
                q.decided_by,
                q.reason,
            )
            for k in changed.get("request", [])
            for q in [registry.requests[k]]
        ],
    )
    registry.changed.clear()


@dataclass(frozen=True)
class HistoryRow:
    event_id: uuid.UUID
    event_type: str
    brand_key: str
    body: str  # JSON
    at: datetime
    applied: bool
    reason: str
    waiting_for: str | None


async def record_history(conn: asyncpg.Connection, rows: Sequence[HistoryRow]) -> None:
    """Append rows in the order they were decided; an event that waited moves to the end with its outcome."""
    await conn.execute(f"DELETE FROM {SCHEMA}.history WHERE event_id = ANY($1)", [r.event_id for r in rows])
    await conn.executemany(
        f"""INSERT INTO {SCHEMA}.history (event_id, event_type, brand_key, body, at, applied, reason, waiting_for)
            VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)""",
        [(r.event_id, r.event_type, r.brand_key, r.body, r.at, r.applied, r.reason, r.waiting_for) for r in rows],
    )


async def waiting_events(conn: asyncpg.Connection, keys: Iterable[str]) -> list[asyncpg.Record]:
    """Stored events waiting for any of ``keys``, in arrival order."""
    return list(
        await conn.fetch(
            f"""SELECT event_id, event_type, body, at FROM {SCHEMA}.history
                 WHERE waiting_for = ANY($1) ORDER BY seq""",
            sorted(set(keys)),
        )
    )


async def history(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """The decided events, in the order they were applied (what a replay folds)."""
    return list(
        await conn.fetch(
            f"SELECT event_id, event_type, body, at FROM {SCHEMA}.history WHERE waiting_for IS NULL ORDER BY seq"
        )
    )


async def clear_projection(conn: asyncpg.Connection) -> None:
    await conn.execute(
        f"TRUNCATE {SCHEMA}.brands, {SCHEMA}.authorizations, {SCHEMA}.prefixes, {SCHEMA}.exemptions, "
        f"{SCHEMA}.approval_requests"
    )


async def brands_since(conn: asyncpg.Connection, seq: int) -> list[tuple[int, Brand]]:
    rows = await conn.fetch(
        f"SELECT seq, brand_key, display, owner_seller_id FROM {SCHEMA}.brands WHERE seq > $1 ORDER BY seq", seq
    )
    return [(r["seq"], Brand(r["brand_key"], r["display"], r["owner_seller_id"])) for r in rows]


async def save_decisions(
    conn: asyncpg.Connection, rows: Sequence[tuple[uuid.UUID, uuid.UUID, str, str | None]]
) -> None:
    await conn.executemany(
        f"""INSERT INTO {SCHEMA}.decisions (proposal_id, listing_id, outcome, code) VALUES ($1, $2, $3, $4)
            ON CONFLICT (proposal_id) DO NOTHING""",
        rows,
    )


async def waiting_since(conn: asyncpg.Connection | asyncpg.Pool, older_than_s: float) -> list[asyncpg.Record]:
    """Registry events that have waited longer than ``older_than_s`` for what they need (a brand, request…)."""
    return list(
        await conn.fetch(
            f"""SELECT event_id, event_type, brand_key, waiting_for, recorded_at FROM {SCHEMA}.history
                WHERE waiting_for IS NOT NULL AND recorded_at < now() - make_interval(secs => $1) ORDER BY seq""",
            older_than_s,
        )
    )
