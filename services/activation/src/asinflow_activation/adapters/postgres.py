"""The activation service's tables, read and written set-based per batch.

``PostgresActivationStore`` is the storage port (``asinflow_activation.store``) on the pipeline's open
transaction: one statement per kind of data per batch. ``listing_activation`` is the read side
(``asinflow listing show``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

import asyncpg
from asinflow_contracts.events import Enforcement, Scope, StatusFlag, ViolationKind
from asinflow_contracts.state_machine import ListingState

from asinflow_activation.store import (
    ActivationStore,
    ListingStatus,
    NewRequest,
    RefusalRecord,
    Request,
    RequestDecision,
    Resolution,
    Violation,
)

SCHEMA = "activation"


def _violation(r: asyncpg.Record) -> Violation:
    evidence = json.loads(r["evidence"]) if isinstance(r["evidence"], str) else r["evidence"]
    return Violation(
        violation_id=r["violation_id"],
        kind=ViolationKind(r["kind"]),
        enforcement=Enforcement(r["enforcement"]),
        scope=Scope(r.get("scope") or Scope.ASIN),
        reporter=r["reporter"],
        evidence=tuple(evidence),
        exempt_until=r["exempt_until"],
    )


class PostgresActivationStore(ActivationStore):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def lock(self, listing_ids: Collection[uuid.UUID]) -> None:
        """Transaction-scoped advisory locks, taken in a fixed order (no deadlock)."""
        await self.conn.execute(
            "SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(id::text, 1) AS k "
            "FROM unnest($1::uuid[]) AS id ORDER BY k) keys",
            list(listing_ids),
        )

    async def listings_of_asins(self, asins: Collection[str]) -> dict[str, list[uuid.UUID]]:
        if not asins:
            return {}
        rows = await self.conn.fetch(
            f"SELECT asin, listing_id FROM {SCHEMA}.listings WHERE asin = ANY($1::text[])", list(asins)
        )
        out: dict[str, list[uuid.UUID]] = {}
        for r in rows:
            out.setdefault(r["asin"], []).append(r["listing_id"])
        return out

    async def statuses(self, listing_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, ListingStatus]:
        if not listing_ids:
            return {}
        ids = sorted(set(listing_ids))
        rows = await self.conn.fetch(
            f"""SELECT l.*, s.quantity FROM {SCHEMA}.listings l LEFT JOIN {SCHEMA}.stock s USING (listing_id)
                WHERE l.listing_id = ANY($1::uuid[])""",
            ids,
        )
        statuses = {
            r["listing_id"]: ListingStatus(
                listing_id=r["listing_id"],
                seller_id=r["seller_id"],
                sku=r["sku"],
                proposal_id=r["proposal_id"],
                asin=r["asin"],
                state=ListingState(r["state"]),
                quantity=r["quantity"],
                last_event_id=r["last_event_id"],
                last_event_type=r["last_event_type"],
                sequence=r["sequence"],
                notified=None if r["notified_status"] is None else tuple(StatusFlag(f) for f in r["notified_status"]),
                status_sequence=r["status_sequence"],
            )
            for r in rows
        }
        if statuses:
            for r in await self.conn.fetch(
                f"SELECT * FROM {SCHEMA}.violations WHERE listing_id = ANY($1::uuid[]) AND resolved_at IS NULL",
                list(statuses),
            ):
                statuses[r["listing_id"]].violations[r["violation_id"]] = _violation(r)
        return statuses

    async def stock(self, listing_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
        if not listing_ids:
            return {}
        rows = await self.conn.fetch(
            f"SELECT listing_id, quantity FROM {SCHEMA}.stock WHERE listing_id = ANY($1::uuid[])",
            sorted(set(listing_ids)),
        )
        return {r["listing_id"]: r["quantity"] for r in rows}

    async def open_asin_violations(self, asins: Collection[str]) -> dict[str, list[Violation]]:
        if not asins:
            return {}
        rows = await self.conn.fetch(
            f"SELECT * FROM {SCHEMA}.asin_violations WHERE asin = ANY($1::text[]) AND resolved_at IS NULL",
            list(asins),
        )
        out: dict[str, list[Violation]] = {}
        for r in rows:
            out.setdefault(r["asin"], []).append(_violation(r))
        return out

    async def requests(self, request_ids: Collection[str]) -> dict[str, Request]:
        if not request_ids:
            return {}
        rows = await self.conn.fetch(
            f"SELECT request_id, listing_id, violation_ids, root_cause_fix, status FROM {SCHEMA}.requests "
            "WHERE request_id = ANY($1::text[])",
            list(request_ids),
        )
        return {
            r["request_id"]: Request(
                r["request_id"], r["listing_id"], list(r["violation_ids"]), r["root_cause_fix"], r["status"]
            )
            for r in rows
        }

    async def save_statuses(self, statuses: Collection[ListingStatus]) -> None:
        if not statuses:
            return
        await self.conn.executemany(
            f"""INSERT INTO {SCHEMA}.listings
                  (listing_id, seller_id, sku, proposal_id, asin, state, last_event_id, last_event_type, sequence,
                   notified_status, status_sequence, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
                ON CONFLICT (listing_id) DO UPDATE SET proposal_id = excluded.proposal_id, asin = excluded.asin,
                  state = excluded.state, last_event_id = excluded.last_event_id,
                  last_event_type = excluded.last_event_type, sequence = excluded.sequence,
                  notified_status = excluded.notified_status, status_sequence = excluded.status_sequence,
                  updated_at = now()""",
            [
                (
                    s.listing_id,
                    s.seller_id,
                    s.sku,
                    s.proposal_id,
                    s.asin,
                    s.state.value,
                    s.last_event_id,
                    s.last_event_type,
                    s.sequence,
                    None if s.notified is None else [f.value for f in s.notified],
                    s.status_sequence,
                )
                for s in statuses
            ],
        )

    async def save_stock(self, stock: Mapping[uuid.UUID, int]) -> None:
        if not stock:
            return
        await self.conn.executemany(
            f"""INSERT INTO {SCHEMA}.stock (listing_id, quantity) VALUES ($1, $2)
                ON CONFLICT (listing_id) DO UPDATE SET quantity = excluded.quantity, updated_at = now()""",
            list(stock.items()),
        )

    async def add_violations(self, violations: Sequence[tuple[uuid.UUID, Violation]]) -> None:
        if not violations:
            return
        await self.conn.executemany(
            f"""INSERT INTO {SCHEMA}.violations
                  (violation_id, listing_id, kind, enforcement, scope, reporter, evidence, exempt_until)
                VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) ON CONFLICT DO NOTHING""",
            [
                (
                    v.violation_id,
                    lid,
                    v.kind.value,
                    v.enforcement.value,
                    v.scope.value,
                    v.reporter,
                    json.dumps(list(v.evidence)),
                    v.exempt_until,
                )
                for lid, v in violations
            ],
        )

    async def add_asin_violations(self, violations: Sequence[tuple[str, Violation]]) -> None:
        if not violations:
            return
        await self.conn.executemany(
            f"""INSERT INTO {SCHEMA}.asin_violations
                  (violation_id, asin, kind, enforcement, reporter, evidence, exempt_until)
                VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) ON CONFLICT DO NOTHING""",
            [
                (
                    v.violation_id,
                    asin,
                    v.kind.value,
                    v.enforcement.value,
                    v.reporter,
                    json.dumps(list(v.evidence)),
                    v.exempt_until,
                )
                for asin, v in violations
            ],
        )

    async def resolve(self, resolutions: Sequence[Resolution]) -> None:
        if not resolutions:
            return
        await self.conn.executemany(
            f"""UPDATE {SCHEMA}.violations SET resolved_by = $3, resolved_at = now()
                WHERE listing_id = $1 AND violation_id = $2 AND resolved_at IS NULL""",
            [(r.listing_id, r.violation_id, r.request_id) for r in resolutions],
        )
        await self.conn.execute(
            f"""UPDATE {SCHEMA}.asin_violations a SET resolved_at = now() WHERE a.violation_id = ANY($1::text[])
                AND a.resolved_at IS NULL AND NOT EXISTS (SELECT 1 FROM {SCHEMA}.violations v
                  WHERE v.violation_id = a.violation_id AND v.resolved_at IS NULL)""",
            sorted({r.violation_id for r in resolutions}),
        )

    async def add_requests(self, requests: Sequence[NewRequest]) -> None:
        if not requests:
            return
        await self.conn.executemany(
            f"""INSERT INTO {SCHEMA}.requests (request_id, listing_id, violation_ids, root_cause_fix, evidence, status)
                VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT (request_id) DO NOTHING""",
            [
                (
                    n.request.request_id,
                    n.request.listing_id,
                    n.request.violation_ids,
                    n.request.root_cause_fix,
                    json.dumps(n.evidence),
                    n.request.status,
                )
                for n in requests
            ],
        )

    async def decide_requests(self, decisions: Sequence[RequestDecision]) -> None:
        if not decisions:
            return
        await self.conn.executemany(
            f"""UPDATE {SCHEMA}.requests SET status = $2, decided_by = $3, note = $4, decided_at = now()
                WHERE request_id = $1""",
            [(d.request_id, d.status, d.decided_by, d.note) for d in decisions],
        )

    async def add_refusals(self, refusals: Sequence[RefusalRecord]) -> None:
        if not refusals:
            return
        await self.conn.executemany(
            f"""INSERT INTO {SCHEMA}.refusals (listing_id, event_id, attempted, state, reason)
                VALUES ($1, $2, $3, $4, $5)""",
            [(r.listing_id, r.event_id, r.attempted, r.state, r.reason) for r in refusals],
        )

    async def refusals(self, listing_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[RefusalRecord]]:
        if not listing_ids:
            return {}
        rows = await self.conn.fetch(
            f"""SELECT listing_id, event_id, attempted, state, reason FROM {SCHEMA}.refusals
                WHERE listing_id = ANY($1::uuid[]) ORDER BY seq""",
            sorted(set(listing_ids)),
        )
        out: dict[uuid.UUID, list[RefusalRecord]] = {}
        for r in rows:
            out.setdefault(r["listing_id"], []).append(RefusalRecord(**dict(r)))
        return out


async def listing_activation(pool: asyncpg.Pool, listing_id: uuid.UUID, today: date) -> dict[str, Any] | None:
    """Activation view of a listing: state, stock, visibility, open violations, requests, refusals."""
    async with pool.acquire() as conn:
        statuses = await PostgresActivationStore(conn).statuses([listing_id])
        return await _view(conn, statuses.get(listing_id), today)


async def _view(conn: asyncpg.Connection, status: ListingStatus | None, today: date) -> dict[str, Any] | None:
    if status is None:
        return None
    buyable, discoverable = status.visibility(today)
    requests = await conn.fetch(
        f"SELECT request_id, status, violation_ids, decided_by, note FROM {SCHEMA}.requests WHERE listing_id = $1 "
        "ORDER BY requested_at",
        status.listing_id,
    )
    refusals = await conn.fetch(
        f"SELECT attempted, state, reason, at FROM {SCHEMA}.refusals WHERE listing_id = $1 ORDER BY seq",
        status.listing_id,
    )
    flags = status.status_flags(today)
    return {
        "state": status.state.value,
        "asin": status.asin,
        "quantity": status.quantity,
        "buyable": buyable,
        "discoverable": discoverable,
        "status": None if flags is None else [f.value for f in flags],
        "open_violations": [
            {
                "violation_id": v.violation_id,
                "kind": v.kind.value,
                "enforcement": v.enforcement.value,
                "scope": v.scope.value,
                "reporter": v.reporter,
                "exempt_until": v.exempt_until.isoformat() if v.exempt_until else None,
            }
            for v in status.violations.values()
        ],
        "requests": [dict(r) for r in requests],
        "refusals": [
            {"attempted": r["attempted"], "state": r["state"], "reason": r["reason"], "at": r["at"].isoformat()}
            for r in refusals
        ],
    }
