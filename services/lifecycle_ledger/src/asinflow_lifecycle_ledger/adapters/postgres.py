"""The ledger's tables (schema ``ledger``) behind ``store.LedgerStore``: one statement per kind of data per
batch, set-based writes (``unnest``)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

import asyncpg
from asinflow_contracts.state_machine import ListingState

from asinflow_lifecycle_ledger.domain.book import Book, LedgerEvent, ListingVersion
from asinflow_lifecycle_ledger.domain.notices import IssueNotice
from asinflow_lifecycle_ledger.store import Parked

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


def _parked(row: asyncpg.Record) -> Parked:
    return Parked(event_from_json(row["event"]), row["waiting_for"], row["parked_at"])


class PostgresLedgerStore:
    """``store.LedgerStore`` on one connection (the pipeline's open transaction)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def lock_listings(self, listing_ids: Collection[uuid.UUID]) -> None:
        if not listing_ids:
            return
        await self.conn.execute(
            "SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(id::text, 0) AS k "
            "FROM unnest($1::uuid[]) AS id ORDER BY k) keys",
            list(listing_ids),
        )

    async def parked_behind(self, event_ids: Collection[uuid.UUID]) -> list[Parked]:
        if not event_ids:
            return []
        rows = await self.conn.fetch(
            f"""WITH RECURSIVE behind(event_id) AS (
                    SELECT event_id FROM {SCHEMA}.parked WHERE waiting_for = ANY($1::uuid[])
                  UNION
                    SELECT p.event_id FROM {SCHEMA}.parked p JOIN behind b ON p.waiting_for = b.event_id
                )
                SELECT p.event_id, p.waiting_for, p.event, p.parked_at
                  FROM {SCHEMA}.parked p JOIN behind USING (event_id)
                 ORDER BY p.parked_at, p.event_id""",
            list(event_ids),
        )
        return [_parked(r) for r in rows]

    async def versions(self, listing_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[ListingVersion]]:
        if not listing_ids:
            return {}
        rows = await self.conn.fetch(
            f"""SELECT listing_id, version, seller_id, sku, proposal_id, state, batch_id, asin, issues::text AS issues,
                       updated_at
                  FROM {SCHEMA}.versions WHERE listing_id = ANY($1::uuid[]) ORDER BY listing_id, version""",
            list(listing_ids),
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
                    issues=json.loads(r["issues"]),
                    updated_at=r["updated_at"],
                )
            )
        return versions

    async def notices(self, listing_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, IssueNotice]:
        if not listing_ids:
            return {}
        rows = await self.conn.fetch(
            f"""SELECT listing_id, seller_id, sku, version, asin, severities, actions, sequence
                  FROM {SCHEMA}.issue_notices WHERE listing_id = ANY($1::uuid[])""",
            list(listing_ids),
        )
        return {
            r["listing_id"]: IssueNotice(
                listing_id=r["listing_id"],
                seller_id=r["seller_id"],
                sku=r["sku"],
                version=r["version"],
                asin=r["asin"],
                severities=tuple(r["severities"]),
                actions=tuple(r["actions"]),
                sequence=r["sequence"],
            )
            for r in rows
        }

    async def applied(self, event_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        if not event_ids:
            return set()
        rows = await self.conn.fetch(
            f"SELECT DISTINCT event_id FROM {SCHEMA}.history WHERE event_id = ANY($1::uuid[])", list(event_ids)
        )
        return {r["event_id"] for r in rows}

    async def save(self, book: Book) -> None:
        dirty = [v for vs in book.versions.values() for v in vs if v.dirty]
        if dirty:
            await self.conn.execute(
                f"""INSERT INTO {SCHEMA}.versions
                      (listing_id, version, seller_id, sku, proposal_id, state, batch_id, asin, issues, updated_at)
                    SELECT l, v, s, k, p, st, b, a, i::jsonb, u
                      FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[],
                                  $8::text[], $9::text[], $10::timestamptz[]) AS t(l, v, s, k, p, st, b, a, i, u)
                    ON CONFLICT (listing_id, version) DO UPDATE SET state = excluded.state, asin = excluded.asin,
                      issues = excluded.issues, updated_at = excluded.updated_at""",
                [v.listing_id for v in dirty],
                [v.version for v in dirty],
                [v.seller_id for v in dirty],
                [v.sku for v in dirty],
                [v.proposal_id for v in dirty],
                [v.state.value for v in dirty],
                [v.batch_id for v in dirty],
                [v.asin for v in dirty],
                [json.dumps(v.issues) for v in dirty],
                [v.updated_at for v in dirty],
            )
        if book.history:
            h = book.history
            await self.conn.execute(
                f"""INSERT INTO {SCHEMA}.history
                      (listing_id, version, event_id, event_type, from_state, to_state, legal, error, at)
                    SELECT l, v, e, t, f, s, g, r, a
                      FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::text[], $5::text[], $6::text[],
                                  $7::bool[], $8::text[], $9::timestamptz[])
                           WITH ORDINALITY AS h(l, v, e, t, f, s, g, r, a, n)
                     ORDER BY n""",
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
        if book.unparked:
            await self.conn.execute(
                f"DELETE FROM {SCHEMA}.parked WHERE event_id = ANY($1::uuid[])", list(book.unparked)
            )
        parked = book.parked
        if parked:
            await self.conn.execute(
                f"""INSERT INTO {SCHEMA}.parked (event_id, waiting_for, event, parked_at)
                    SELECT e, w, j::jsonb, clock_timestamp()
                      FROM unnest($1::uuid[], $2::uuid[], $3::text[]) WITH ORDINALITY AS p(e, w, j, n)
                     ORDER BY n
                    ON CONFLICT (event_id) DO NOTHING""",
                [e.event_id for _, e in parked],
                [waiting_for for waiting_for, _ in parked],
                [event_to_json(e) for _, e in parked],
            )
        notices = book.changed_notices
        if notices:
            # text[] columns filled from one text per row (unnest cannot take an array of arrays of any length)
            await self.conn.execute(
                f"""INSERT INTO {SCHEMA}.issue_notices
                      (listing_id, seller_id, sku, version, asin, severities, actions, sequence)
                    SELECT l, s, k, v, a, string_to_array(sv, ','), string_to_array(ac, ','), q
                      FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[],
                                  $8::int[]) AS n(l, s, k, v, a, sv, ac, q)
                    ON CONFLICT (listing_id) DO UPDATE SET version = excluded.version, asin = excluded.asin,
                      severities = excluded.severities, actions = excluded.actions, sequence = excluded.sequence,
                      updated_at = now()""",
                [n.listing_id for n in notices],
                [n.seller_id for n in notices],
                [n.sku for n in notices],
                [n.version for n in notices],
                [n.asin for n in notices],
                [",".join(n.severities) for n in notices],
                [",".join(n.actions) for n in notices],
                [n.sequence for n in notices],
            )

    async def mark_orphans(self, older_than_s: float) -> list[Parked]:
        rows = await self.conn.fetch(
            f"""UPDATE {SCHEMA}.parked SET orphaned_at = now()
                WHERE orphaned_at IS NULL AND parked_at < now() - make_interval(secs => $1)
                RETURNING event_id, waiting_for, event, parked_at""",
            older_than_s,
        )
        return [_parked(r) for r in rows]
