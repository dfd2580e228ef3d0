"""The brand-gating service's tables (schema ``brand_gating``) behind ``store.GatingStore``: load a registry
slice, save what changed, keep the history (one statement per kind of data per batch, set-based writes); and
the history as a replay folds it, and the events waiting too long, for the CLI."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import asyncpg
from asinflow_contracts.base import BOUNDS_CHECKED

from asinflow_brand_gating.domain.changes import HistoryRow, Needs, RegistryEvent, Waiting, releases_of
from asinflow_brand_gating.domain.registry import ApprovalRequest, Authorization, Brand, Exemption, Registry
from asinflow_brand_gating.models import REGISTRY_MODELS
from asinflow_brand_gating.store import GateDecision

__all__ = ["SCHEMA", "HistoryRow", "PostgresGatingStore", "clear_projection", "history", "waiting_since"]

SCHEMA = "brand_gating"


#: Whether an event ``r`` (brand_key, request_id, exemption_id) may release the stored event ``h``: as
#: ``changes.Releases.may_release`` says.
_RELEASES = """(h.waiting_for = 'brand:' || r.brand_key
                 OR starts_with(h.waiting_for, 'authorization:' || r.brand_key || '/')
                 OR h.waiting_for = 'request:' || r.request_id OR h.waiting_for = 'exemption:' || r.exemption_id)"""


class PostgresGatingStore:
    """``store.GatingStore`` on one connection (the pipeline's open transaction)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def waiting_behind(self, events: Sequence[RegistryEvent]) -> list[Waiting]:
        if not events:
            return []
        releases = [releases_of(e.body) for e in events]
        rows = await self.conn.fetch(
            f"""WITH RECURSIVE behind(event_id, brand_key, request_id, exemption_id) AS (
                    SELECT h.event_id, h.brand_key, h.body->>'request_id', h.body->>'exemption_id'
                      FROM unnest($1::text[], $2::text[], $3::text[]) AS r(brand_key, request_id, exemption_id)
                      JOIN {SCHEMA}.history h ON h.waiting_for IS NOT NULL
                       AND {_RELEASES}
                  UNION
                    SELECT h.event_id, h.brand_key, h.body->>'request_id', h.body->>'exemption_id'
                      FROM behind r JOIN {SCHEMA}.history h ON h.waiting_for IS NOT NULL
                       AND {_RELEASES}
                )
                SELECT h.event_id, h.event_type, h.body::text AS body, h.at, h.waiting_for
                  FROM {SCHEMA}.history h WHERE h.event_id IN (SELECT event_id FROM behind) ORDER BY h.seq""",
            [r.brand_key for r in releases],
            [r.request_id for r in releases],
            [r.exemption_id for r in releases],
        )
        return [Waiting(_stored(r), r["waiting_for"]) for r in rows]

    async def load(self, needs: Needs) -> Registry:
        registry = Registry()
        for r in await self.conn.fetch(
            f"SELECT prefix, brand_key FROM {SCHEMA}.prefixes WHERE prefix = ANY($1::text[])", sorted(needs.prefixes)
        ):
            registry.prefixes[r["prefix"]] = r["brand_key"]
        for r in await self.conn.fetch(
            f"SELECT * FROM {SCHEMA}.approval_requests WHERE request_id = ANY($1::text[])", sorted(needs.request_ids)
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
        keys = sorted(
            {*needs.brand_keys, *registry.prefixes.values(), *(q.brand_key for q in registry.requests.values())}
        )
        for r in await self.conn.fetch(f"SELECT * FROM {SCHEMA}.brands WHERE brand_key = ANY($1::text[])", keys):
            registry.brands[r["brand_key"]] = Brand(r["brand_key"], r["display"], r["owner_seller_id"])
        for r in await self.conn.fetch(
            f"SELECT * FROM {SCHEMA}.authorizations WHERE brand_key = ANY($1::text[])", keys
        ):
            registry.authorizations[(r["brand_key"], r["seller_id"])] = Authorization(
                r["brand_key"],
                r["seller_id"],
                tuple(r["skus"]) if r["skus"] is not None else None,
                r["active"],
                r["source"],
                r["changed_at"],
            )
        for r in await self.conn.fetch(
            f"SELECT * FROM {SCHEMA}.exemptions WHERE exemption_id = ANY($1::text[])", sorted(needs.exemption_ids)
        ):
            registry.exemptions[r["exemption_id"]] = Exemption(
                r["exemption_id"], r["brand"], r["brand_key"], r["sku"], r["seller_id"], r["active"], r["changed_at"]
            )
        return registry

    async def brands_since(self, seq: int) -> list[tuple[int, Brand]]:
        rows = await self.conn.fetch(
            f"SELECT seq, brand_key, display, owner_seller_id FROM {SCHEMA}.brands WHERE seq > $1 ORDER BY seq", seq
        )
        return [(r["seq"], Brand(r["brand_key"], r["display"], r["owner_seller_id"])) for r in rows]

    async def save(self, registry: Registry) -> None:
        changed: dict[str, list[Any]] = {}
        for kind, ident in sorted(registry.changed, key=repr):
            changed.setdefault(kind, []).append(ident)
        brands = [registry.brands[k] for k in changed.get("brand", [])]
        if brands:
            await self.conn.execute(
                f"""INSERT INTO {SCHEMA}.brands (brand_key, display, owner_seller_id)
                    SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
                    ON CONFLICT (brand_key) DO UPDATE
                       SET display = EXCLUDED.display, owner_seller_id = EXCLUDED.owner_seller_id""",
                [b.key for b in brands],
                [b.display for b in brands],
                [b.owner_seller_id for b in brands],
            )
        grants = [registry.authorizations[k] for k in changed.get("authorization", [])]
        if grants:
            await self.conn.execute(
                f"""INSERT INTO {SCHEMA}.authorizations (brand_key, seller_id, skus, active, source, changed_at)
                    SELECT k, s, {_text_array("sk")}, a, src, c
                      FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[], $5::text[], $6::timestamptz[])
                           AS t(k, s, sk, a, src, c)
                    ON CONFLICT (brand_key, seller_id) DO UPDATE SET skus = EXCLUDED.skus, active = EXCLUDED.active,
                       source = EXCLUDED.source, changed_at = EXCLUDED.changed_at""",
                [a.brand_key for a in grants],
                [a.seller_id for a in grants],
                [_json_list(a.skus) for a in grants],
                [a.active for a in grants],
                [a.source for a in grants],
                [a.changed_at for a in grants],
            )
        prefixes = changed.get("prefix", [])
        if prefixes:
            await self.conn.execute(
                f"""INSERT INTO {SCHEMA}.prefixes (prefix, brand_key) SELECT * FROM unnest($1::text[], $2::text[])
                    ON CONFLICT (prefix) DO UPDATE SET brand_key = EXCLUDED.brand_key""",
                prefixes,
                [registry.prefixes[p] for p in prefixes],
            )
        exemptions = [registry.exemptions[k] for k in changed.get("exemption", [])]
        if exemptions:
            await self.conn.execute(
                f"""INSERT INTO {SCHEMA}.exemptions (exemption_id, brand, brand_key, sku, seller_id, active, changed_at)
                    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[],
                                         $7::timestamptz[])
                    ON CONFLICT (exemption_id) DO UPDATE
                       SET brand = EXCLUDED.brand, brand_key = EXCLUDED.brand_key, sku = EXCLUDED.sku,
                           seller_id = EXCLUDED.seller_id, active = EXCLUDED.active,
                           changed_at = EXCLUDED.changed_at""",
                [e.exemption_id for e in exemptions],
                [e.brand for e in exemptions],
                [e.brand_key for e in exemptions],
                [e.sku for e in exemptions],
                [e.seller_id for e in exemptions],
                [e.active for e in exemptions],
                [e.changed_at for e in exemptions],
            )
        requests = [registry.requests[k] for k in changed.get("request", [])]
        if requests:
            await self.conn.execute(
                f"""INSERT INTO {SCHEMA}.approval_requests
                           (request_id, brand_key, seller_id, skus, evidence, missing, status, decided_by, reason)
                    SELECT i, k, s, {_text_array("sk")}, e::jsonb, {_text_array("m")}, st, d, r
                      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                                  $8::text[], $9::text[]) AS t(i, k, s, sk, e, m, st, d, r)
                    ON CONFLICT (request_id) DO UPDATE
                       SET status = EXCLUDED.status, decided_by = EXCLUDED.decided_by, reason = EXCLUDED.reason""",
                [q.request_id for q in requests],
                [q.brand_key for q in requests],
                [q.seller_id for q in requests],
                [_json_list(q.skus) for q in requests],
                [json.dumps(q.evidence) for q in requests],
                [_json_list(q.missing) for q in requests],
                [q.status for q in requests],
                [q.decided_by for q in requests],
                [q.reason for q in requests],
            )
        registry.changed.clear()

    async def record_history(self, rows: Sequence[HistoryRow]) -> None:
        if not rows:
            return
        await self.conn.execute(
            f"DELETE FROM {SCHEMA}.history WHERE event_id = ANY($1::uuid[])", [r.event_id for r in rows]
        )
        await self.conn.execute(
            f"""INSERT INTO {SCHEMA}.history (event_id, event_type, brand_key, body, at, applied, reason, waiting_for)
                SELECT i, t, k, b::jsonb, a, ap, r, w
                  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::bool[],
                              $7::text[], $8::text[]) WITH ORDINALITY AS h(i, t, k, b, a, ap, r, w, n)
                 ORDER BY n""",
            [r.event_id for r in rows],
            [r.event_type for r in rows],
            [r.brand_key for r in rows],
            [r.body for r in rows],
            [r.at for r in rows],
            [r.applied for r in rows],
            [r.reason for r in rows],
            [r.waiting_for for r in rows],
        )

    async def save_decisions(self, decisions: Sequence[GateDecision]) -> None:
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


def _json_list(values: Sequence[str] | None) -> str | None:
    return None if values is None else json.dumps(list(values))


def _text_array(column: str) -> str:
    """SQL turning a JSON list of strings (or null) into a text[] (unnest cannot carry arrays of arrays)."""
    return f"CASE WHEN {column} IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text({column}::jsonb)) END"


def _stored(row: asyncpg.Record) -> RegistryEvent:
    body = REGISTRY_MODELS[row["event_type"]].model_validate_json(row["body"], context={BOUNDS_CHECKED: True})
    return RegistryEvent(row["event_id"], row["event_type"], body, row["at"])


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


async def waiting_since(conn: asyncpg.Connection | asyncpg.Pool, older_than_s: float) -> list[asyncpg.Record]:
    """Registry events that have waited longer than ``older_than_s`` for what they need (a brand, request…)."""
    return list(
        await conn.fetch(
            f"""SELECT event_id, event_type, brand_key, waiting_for, recorded_at FROM {SCHEMA}.history
                WHERE waiting_for IS NOT NULL AND recorded_at < now() - make_interval(secs => $1) ORDER BY seq""",
            older_than_s,
        )
    )
