"""Loading and saving the ledger's book in PostgreSQL, set-based (one statement per table per batch)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg
from asinflow_contracts.state_machine import ListingState

from asinflow_lifecycle_ledger.domain.book import Book, LedgerEvent, ListingVersion

SCHEMA = "ledger"


def event_to_json(event: LedgerEvent) -> str:
    return json.dumps(
        {
            "event_id": str(event.event_id),
            "event_type": event.event_type,
            "listing_id": str(event.listing_id),
            "seller_id": event.seller_id,
            "sku": event.sku,
            "proposal_id": str(event.proposal_id),
            "at": event.at.isoformat(),
            "payload": event.payload,
            "causation_id": str(event.causation_id) if event.causation_id else None,
            "causation_type": event.causation_type,
            "batch_id": event.batch_id,
        }
    )


def event_from_json(text: str | dict[str, Any]) -> LedgerEvent:
    data = json.loads(text) if isinstance(text, str) else text
    return LedgerEvent(
        event_id=uuid.UUID(data["event_id"]),
        event_type=data["event_type"],
        listing_id=uuid.UUID(data["listing_id"]),
        seller_id=data["seller_id"],
        sku=data["sku"],
        proposal_id=uuid.UUID(data["proposal_id"]),
        at=datetime.fromisoformat(data["at"]),
        payload=data["payload"],
        causation_id=uuid.UUID(data["causation_id"]) if data.get("causation_id") else None,
        causation_type=data.get("causation_type"),
        batch_id=data.get("batch_id"),
    )


async def lock_listings(conn: asyncpg.Connection, listing_ids: Sequence[uuid.UUID]) -> None:
    """Serialise concurrent ledger instances on the same listings (transaction-scoped advisory locks, taken
    in a fixed order so two batches cannot deadlock)."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(id::text, 0) AS k "
        "FROM unnest($1::uuid[]) AS id ORDER BY k) keys",
        list(listing_ids),
    )


async def load_versions(
    conn: asyncpg.Connection, listing_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ListingVersion]]:
    rows = await conn.fetch(
        f"""SELECT listing_id, version, seller_id, sku, proposal_id, state, batch_id, asin, issues, updated_at
            FROM {SCHEMA}.versions WHERE listing_id = ANY($1::uuid[]) ORDER BY listing_id, version""",
        sorted(set(listing_ids)),
    )
    versions: dict[uuid.UUID, list[ListingVersion]] = {}
    for r in rows:
        versions.setdefault(r["listing_id"], []).append(
            ListingVersion(
                listing_id=r["listing_id"],
                seller_id=r["seller_id"],
                sku=r["sku"],
                version=r["version"],
                proposal_id=r["proposal_id"],
                state=ListingState(r["state"]),
                batch_id=r["batch_id"],
                asin=r["asin"],
                issues=json.loads(r["issues"]) if isinstance(r["issues"], str) else list(r["issues"]),
                updated_at=r["updated_at"],
            )
        )
    return versions


async def load_applied(conn: asyncpg.Connection, event_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these events the ledger has applied (legally or not) before."""
    rows = await conn.fetch(
        f"SELECT DISTINCT event_id FROM {SCHEMA}.history WHERE event_id = ANY($1::uuid[])", sorted(set(event_ids))
    )
    return {r["event_id"] for r in rows}


async def release_parked(conn: asyncpg.Connection, causes: Sequence[uuid.UUID]) -> list[LedgerEvent]:
    """Take the parked events that were waiting for these (now applied) events out of the parking."""
    rows = await conn.fetch(
        f"DELETE FROM {SCHEMA}.parked WHERE waiting_for = ANY($1::uuid[]) RETURNING event, parked_at",
        list(causes),
    )
    return [event_from_json(r["event"]) for r in sorted(rows, key=lambda r: r["parked_at"])]


async def save_book(conn: asyncpg.Connection, book: Book) -> None:
    dirty = [v for vs in book.versions.values() for v in vs if v.dirty]
    if dirty:
        await conn.executemany(
            f"""INSERT INTO {SCHEMA}.versions
                  (listing_id, version, seller_id, sku, proposal_id, state, batch_id, asin, issues, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)
                ON CONFLICT (listing_id, version) DO UPDATE SET state = excluded.state, asin = excluded.asin,
                  issues = excluded.issues, updated_at = excluded.updated_at""",
            [
                (
                    v.listing_id,
                    v.version,
                    v.seller_id,
                    v.sku,
                    v.proposal_id,
                    v.state.value,
                    v.batch_id,
                    v.asin,
                    json.dumps(v.issues),
                    v.updated_at,
                )
                for v in dirty
            ],
        )
    if book.history:
        h = book.history
        await conn.execute(
            f"""INSERT INTO {SCHEMA}.history
                  (listing_id, version, event_id, event_type, from_state, to_state, legal, error, at)
                SELECT * FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::text[], $5::text[], $6::text[],
                                     $7::bool[], $8::text[], $9::timestamptz[])""",
            [e.listing_id for e in h],
            [e.version for e in h],
            [e.event_id for e in h],
            [e.event_type for e in h],
            [e.from_state.value if e.from_state else None for e in h],
            [e.to_state.value if e.to_state else None for e in h],
            [e.legal for e in h],
            [e.error for e in h],
            [e.at for e in h],
        )
    if book.parked:
        await conn.executemany(
            f"""INSERT INTO {SCHEMA}.parked (event_id, waiting_for, event) VALUES ($1, $2, $3::jsonb)
                ON CONFLICT (event_id) DO NOTHING""",
            [(e.event_id, waiting_for, event_to_json(e)) for waiting_for, e in book.parked],
        )


async def mark_orphans(conn: asyncpg.Connection, older_than_s: float) -> list[asyncpg.Record]:
    """Mark parked events older than ``older_than_s`` as orphaned; returns those just marked."""
    return list(
        await conn.fetch(
            f"""UPDATE {SCHEMA}.parked SET orphaned_at = now()
                WHERE orphaned_at IS NULL AND parked_at < now() - make_interval(secs => $1)
                RETURNING event_id, waiting_for, event, parked_at""",
            older_than_s,
        )
    )
