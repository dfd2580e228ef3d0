"""Read side of the ledger, for the CLI and tests: a listing with its history, feed reports, counts."""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Sequence
from typing import Any

import asyncpg
from asinflow_contracts.ids import listing_id
from asinflow_contracts.reports import summarise

from asinflow_lifecycle_ledger.adapters.postgres import SCHEMA


def _issues(value: Any) -> list[dict[str, Any]]:
    return json.loads(value) if isinstance(value, str) else list(value or [])


async def listing_view(conn: asyncpg.Connection | asyncpg.Pool, seller_id: str, sku: str) -> dict[str, Any] | None:
    """Current version of one listing: state, ASIN, issues, and the history of every version."""
    lid = listing_id(seller_id, sku)
    current = await conn.fetchrow(
        f"""SELECT version, state, asin, issues, batch_id, proposal_id, updated_at FROM {SCHEMA}.versions
            WHERE listing_id = $1 ORDER BY version DESC LIMIT 1""",
        lid,
    )
    if current is None:
        return None
    history = await conn.fetch(
        f"""SELECT version, event_type, event_id, from_state, to_state, legal, error, at FROM {SCHEMA}.history
            WHERE listing_id = $1 ORDER BY seq""",
        lid,
    )
    return {
        "listing_id": str(lid),
        "seller_id": seller_id,
        "sku": sku,
        "version": current["version"],
        "state": current["state"],
        "asin": current["asin"],
        "batch_id": current["batch_id"],
        "proposal_id": str(current["proposal_id"]),
        "issues": _issues(current["issues"]),
        "updated_at": current["updated_at"].isoformat(),
        "history": [
            {
                "version": h["version"],
                "event_type": h["event_type"],
                "event_id": str(h["event_id"]),
                "from": h["from_state"],
                "to": h["to_state"],
                "legal": h["legal"],
                "error": h["error"],
                "at": h["at"].isoformat(),
            }
            for h in history
        ],
    }


async def batch_report(
    conn: asyncpg.Connection | asyncpg.Pool, batch_id: str, settled_states: Collection[str]
) -> dict[str, Any]:
    """The feed processing report of DESIGN §6 for the latest version of each listing of the batch."""
    rows = await conn.fetch(
        f"""SELECT DISTINCT ON (listing_id) seller_id, sku, state, asin, issues FROM {SCHEMA}.versions
            WHERE batch_id = $1 ORDER BY listing_id, version DESC""",
        batch_id,
    )
    items = [
        {
            "seller_id": r["seller_id"],
            "sku": r["sku"],
            "state": r["state"],
            "asin": r["asin"],
            "issues": _issues(r["issues"]),
        }
        for r in sorted(rows, key=lambda r: (r["seller_id"], r["sku"]))
    ]
    return {"batch_id": batch_id, **summarise(items, settled_states), "items": items}


async def proposals_state(
    conn: asyncpg.Connection | asyncpg.Pool, proposal_ids: Sequence[uuid.UUID]
) -> list[dict[str, Any]]:
    """State of the versions started by the given proposal events (those the ledger has seen)."""
    rows = await conn.fetch(
        f"""SELECT proposal_id, seller_id, sku, state, asin, issues FROM {SCHEMA}.versions
            WHERE proposal_id = ANY($1::uuid[])""",
        list(proposal_ids),
    )
    return [
        {
            "proposal_id": r["proposal_id"],
            "seller_id": r["seller_id"],
            "sku": r["sku"],
            "state": r["state"],
            "asin": r["asin"],
            "issues": _issues(r["issues"]),
        }
        for r in rows
    ]


async def illegal_transitions(conn: asyncpg.Connection | asyncpg.Pool, limit: int = 100) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"""SELECT h.listing_id, v.seller_id, v.sku, h.version, h.event_type, h.event_id, h.from_state, h.error, h.at
            FROM {SCHEMA}.history h JOIN {SCHEMA}.versions v USING (listing_id, version)
            WHERE NOT h.legal ORDER BY h.seq DESC LIMIT $1""",
        limit,
    )
    return [
        {
            "listing_id": str(r["listing_id"]),
            "seller_id": r["seller_id"],
            "sku": r["sku"],
            "version": r["version"],
            "event_type": r["event_type"],
            "event_id": str(r["event_id"]),
            "state": r["from_state"],
            "error": r["error"],
            "at": r["at"].isoformat(),
        }
        for r in rows
    ]


async def state_counts(conn: asyncpg.Connection | asyncpg.Pool) -> dict[str, int]:
    rows = await conn.fetch(
        f"""SELECT state, count(*) AS n FROM (SELECT DISTINCT ON (listing_id) state FROM {SCHEMA}.versions
            ORDER BY listing_id, version DESC) latest GROUP BY state ORDER BY state"""
    )
    return {r["state"]: r["n"] for r in rows}


async def orphans(conn: asyncpg.Connection | asyncpg.Pool) -> list[dict[str, Any]]:
    """Parked events marked orphaned: their cause has not been applied within the orphan timeout."""
    rows = await conn.fetch(
        f"""SELECT event_id, waiting_for, event, parked_at, orphaned_at FROM {SCHEMA}.parked
            WHERE orphaned_at IS NOT NULL ORDER BY parked_at"""
    )
    result = []
    for r in rows:
        event = json.loads(r["event"]) if isinstance(r["event"], str) else r["event"]
        waiting_for = str(r["waiting_for"])
        if waiting_for == event.get("proposal_id"):
            cause = f"its proposal {waiting_for}, which the ledger has not seen"
        else:
            cause = f"{event.get('causation_type') or 'its cause'} {waiting_for}, which has not been applied"
        result.append(
            {
                "service": "lifecycle-ledger",
                "event_id": str(r["event_id"]),
                "event_type": event.get("event_type"),
                "seller_id": event.get("seller_id"),
                "sku": event.get("sku"),
                "waiting_for": waiting_for,
                "since": r["parked_at"].isoformat(timespec="seconds"),
                "reason": f"waits for {cause}",
            }
        )
    return result
