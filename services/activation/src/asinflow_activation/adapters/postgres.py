"""The activation service's tables, read and written set-based per batch."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg
from asinflow_contracts.events import Enforcement, Scope, ViolationKind
from asinflow_contracts.state_machine import ListingState

from asinflow_activation.domain.status import ListingStatus, Violation

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


async def lock(conn: asyncpg.Connection, listing_ids: Sequence[uuid.UUID]) -> None:
    """Serialise concurrent instances on the same listings (fixed order: no deadlock)."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(id::text, 1) AS k "
        "FROM unnest($1::uuid[]) AS id ORDER BY k) keys",
        list(listing_ids),
    )


async def listing_ids_of_asins(conn: asyncpg.Connection, asins: Sequence[str]) -> dict[str, list[uuid.UUID]]:
    rows = await conn.fetch(f"SELECT asin, listing_id FROM {SCHEMA}.listings WHERE asin = ANY($1::text[])", list(asins))
    out: dict[str, list[uuid.UUID]] = {}
    for r in rows:
        out.setdefault(r["asin"], []).append(r["listing_id"])
    return out


async def load(
    conn: asyncpg.Connection, listing_ids: Sequence[uuid.UUID]
) -> tuple[dict[uuid.UUID, ListingStatus], dict[uuid.UUID, int]]:
    """Statuses (with open violations) of the created listings among ``listing_ids``, and known stock."""
    ids = sorted(set(listing_ids))
    rows = await conn.fetch(f"SELECT * FROM {SCHEMA}.listings WHERE listing_id = ANY($1::uuid[])", ids)
    stock = {
        r["listing_id"]: r["quantity"]
        for r in await conn.fetch(
            f"SELECT listing_id, quantity FROM {SCHEMA}.stock WHERE listing_id = ANY($1::uuid[])", ids
        )
    }
    statuses = {
        r["listing_id"]: ListingStatus(
            listing_id=r["listing_id"],
            seller_id=r["seller_id"],
            sku=r["sku"],
            proposal_id=r["proposal_id"],
            asin=r["asin"],
            state=ListingState(r["state"]),
            quantity=stock.get(r["listing_id"]),
            last_event_id=r["last_event_id"],
            last_event_type=r["last_event_type"],
            sequence=r["sequence"],
        )
        for r in rows
    }
    for r in await conn.fetch(
        f"SELECT * FROM {SCHEMA}.violations WHERE listing_id = ANY($1::uuid[]) AND resolved_at IS NULL", ids
    ):
        if r["listing_id"] in statuses:
            statuses[r["listing_id"]].violations[r["violation_id"]] = _violation(r)
    return statuses, stock


async def open_asin_violations(conn: asyncpg.Connection, asins: Sequence[str]) -> dict[str, list[Violation]]:
    rows = await conn.fetch(
        f"SELECT * FROM {SCHEMA}.asin_violations WHERE asin = ANY($1::text[]) AND resolved_at IS NULL", list(asins)
    )
    out: dict[str, list[Violation]] = {}
    for r in rows:
        out.setdefault(r["asin"], []).append(_violation(r))
    return out


@dataclass(frozen=True)
class Request:
    request_id: str
    listing_id: uuid.UUID
    violation_ids: list[str]
    root_cause_fix: str
    status: str


async def load_requests(conn: asyncpg.Connection, request_ids: Sequence[str]) -> dict[str, Request]:
    rows = await conn.fetch(
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


@dataclass
class Changes:
    """Everything a batch writes, collected while the domain decides."""

    statuses: dict[uuid.UUID, ListingStatus]
    stock: dict[uuid.UUID, int]
    violations: list[tuple[uuid.UUID, Violation]]
    asin_violations: list[tuple[str, Violation]]
    resolved: list[tuple[uuid.UUID, str, str]]  # listing, violation, request
    requests: list[tuple[str, uuid.UUID, list[str], str, list[str], str]]
    decisions: list[tuple[str, str, str, str]]  # request, status, decided_by, note
    refusals: list[tuple[uuid.UUID, uuid.UUID, str, str | None, str]]


async def save(conn: asyncpg.Connection, c: Changes) -> None:
    if c.statuses:
        await conn.executemany(
            f"""INSERT INTO {SCHEMA}.listings
                  (listing_id, seller_id, sku, proposal_id, asin, state, last_event_id, last_event_type, sequence,
                   updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
                ON CONFLICT (listing_id) DO UPDATE SET proposal_id = excluded.proposal_id, asin = excluded.asin,
                  state = excluded.state, last_event_id = excluded.last_event_id,
                  last_event_type = excluded.last_event_type, sequence = excluded.sequence, updated_at = now()""",
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
                )
                for s in c.statuses.values()
            ],
        )
    if c.stock:
        await conn.executemany(
            f"""INSERT INTO {SCHEMA}.stock (listing_id, quantity) VALUES ($1, $2)
                ON CONFLICT (listing_id) DO UPDATE SET quantity = excluded.quantity, updated_at = now()""",
            list(c.stock.items()),
        )
    if c.violations:
        await conn.executemany(
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
                for lid, v in c.violations
            ],
        )
    if c.asin_violations:
        await conn.executemany(
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
                for asin, v in c.asin_violations
            ],
        )
    if c.resolved:
        await conn.executemany(
            f"""UPDATE {SCHEMA}.violations SET resolved_by = $3, resolved_at = now()
                WHERE listing_id = $1 AND violation_id = $2 AND resolved_at IS NULL""",
            c.resolved,
        )
        await conn.execute(
            f"""UPDATE {SCHEMA}.asin_violations a SET resolved_at = now() WHERE a.violation_id = ANY($1::text[])
                AND a.resolved_at IS NULL AND NOT EXISTS (SELECT 1 FROM {SCHEMA}.violations v
                  WHERE v.violation_id = a.violation_id AND v.resolved_at IS NULL)""",
            sorted({v for _, v, _ in c.resolved}),
        )
    if c.requests:
        await conn.executemany(
            f"""INSERT INTO {SCHEMA}.requests (request_id, listing_id, violation_ids, root_cause_fix, evidence, status)
                VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT (request_id) DO NOTHING""",
            [(r[0], r[1], r[2], r[3], json.dumps(r[4]), r[5]) for r in c.requests],
        )
    if c.decisions:
        await conn.executemany(
            f"""UPDATE {SCHEMA}.requests SET status = $2, decided_by = $3, note = $4, decided_at = now()
                WHERE request_id = $1""",
            c.decisions,
        )
    if c.refusals:
        await conn.executemany(
            f"""INSERT INTO {SCHEMA}.refusals (listing_id, event_id, attempted, state, reason)
                VALUES ($1, $2, $3, $4, $5)""",
            c.refusals,
        )


async def listing_activation(pool: asyncpg.Pool, listing_id: uuid.UUID, today: date) -> dict[str, Any] | None:
    """Activation view of a listing: state, stock, visibility, open violations, requests, refusals."""
    async with pool.acquire() as conn:
        statuses, _ = await load(conn, [listing_id])
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
    return {
        "state": status.state.value,
        "asin": status.asin,
        "quantity": status.quantity,
        "buyable": buyable,
        "discoverable": discoverable,
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
