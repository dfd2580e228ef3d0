"""Listing search over the ledger's read model (``GET /listings``): the current version of every listing that
matches the filters, in (seller_id, sku) order, a page at a time (keyset: the page after a (seller_id, sku)).

Every filter has an index in that order (migration 0003), so a page is a range read whatever the filters; a
version is its listing's current one when no later version exists (a primary-key lookup). The statement names
only the filters given (no ``$1 IS NULL OR …``, which no index serves)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import asyncpg

from asinflow_lifecycle_ledger.adapters.postgres import SCHEMA

#: The condition of each severity, word for word the predicate of its partial index (migration 0003).
SEVERITY_CONDITION = {
    "ERROR": """v.issues @> '[{"severity": "ERROR"}]'""",
    "WARNING": """v.issues @> '[{"severity": "WARNING"}]'""",
    "INFO": """v.issues @> '[{"severity": "INFO"}]'""",
}

_CURRENT = f"NOT EXISTS (SELECT 1 FROM {SCHEMA}.versions n WHERE n.listing_id = v.listing_id AND n.version > v.version)"


@dataclass(frozen=True)
class ListingFilter:
    """Filters that combine (all must hold); None: not filtered on."""

    seller_id: str | None = None
    state: str | None = None
    issue_severity: str | None = None  # ERROR, WARNING or INFO: the current issues include one of it
    batch_id: str | None = None


async def search(
    conn: asyncpg.Connection | asyncpg.Pool, where: ListingFilter, after: tuple[str, str] | None, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """At most ``limit`` current versions matching ``where`` after (seller_id, sku) ``after``, and whether more
    follow."""
    args: list[Any] = []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    conditions = [_CURRENT]
    if where.seller_id is not None:
        conditions.append(f"v.seller_id = {arg(where.seller_id)}")
    if where.state is not None:
        conditions.append(f"v.state = {arg(where.state)}")
    if where.batch_id is not None:
        conditions.append(f"v.batch_id = {arg(where.batch_id)}")
    if where.issue_severity is not None:
        conditions.append(SEVERITY_CONDITION[where.issue_severity])
    if after is not None and where.seller_id is None:
        conditions.append(f"(v.seller_id, v.sku) > ({arg(after[0])}, {arg(after[1])})")
    elif after is not None and where.seller_id is not None:
        if after[0] > where.seller_id:
            return [], False
        if after[0] == where.seller_id:  # one seller: a range of SKUs in each seller's index
            conditions.append(f"v.sku > {arg(after[1])}")
    rows = await conn.fetch(
        f"""SELECT v.listing_id, v.seller_id, v.sku, v.version, v.state, v.asin, v.batch_id, v.proposal_id, v.issues,
                   v.updated_at
              FROM {SCHEMA}.versions v
             WHERE {" AND ".join(conditions)}
             ORDER BY v.seller_id, v.sku
             LIMIT {arg(limit + 1)}""",
        *args,
    )
    return [_listing(r) for r in rows[:limit]], len(rows) > limit


def _listing(r: asyncpg.Record) -> dict[str, Any]:
    issues = r["issues"]
    return {
        "listing_id": str(r["listing_id"]),
        "seller_id": r["seller_id"],
        "sku": r["sku"],
        "version": r["version"],
        "state": r["state"],
        "asin": r["asin"],
        "batch_id": r["batch_id"],
        "proposal_id": str(r["proposal_id"]),
        "issues": json.loads(issues) if isinstance(issues, str) else list(issues or []),
        "updated_at": r["updated_at"].isoformat(),
    }
