"""Use case of the lifecycle ledger: apply every listing event through the state machine, keep history."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope, EnvelopeError
from asinflow_contracts.events import ListingStateChanged
from asinflow_contracts.ids import listing_id
from asinflow_contracts.proposal_reading import read_proposal
from asinflow_runtime.messages import Incoming, Outgoing, Unreadable
from asinflow_runtime.records import envelope_of

from asinflow_lifecycle_ledger.adapters.store import (
    load_applied,
    load_versions,
    lock_listings,
    release_parked,
    save_book,
)
from asinflow_lifecycle_ledger.domain.book import Book, LedgerEvent

SERVICE = "lifecycle-ledger"
SOURCE = f"/asinflow/{SERVICE}"


def to_ledger_event(topic: str, envelope: Envelope, value: bytes) -> LedgerEvent:
    """Read the listing identity out of any listing event; raises Unreadable when there is none."""
    if topic == topics.LISTING_PROPOSED:
        read = read_proposal(value)
        if read.seller_id is None or read.sku is None:
            raise Unreadable("unparseable_proposal", read.unreadable or "no listing identity")
        batch = read.data.get("batch_id")
        return LedgerEvent(
            event_id=envelope.id,
            event_type=topic,
            listing_id=listing_id(read.seller_id, read.sku),
            seller_id=read.seller_id,
            sku=read.sku,
            proposal_id=envelope.id,
            at=envelope.time,
            payload={},
            batch_id=batch if isinstance(batch, str) else None,
        )
    try:
        payload: dict[str, Any] = json.loads(value)
        lid = listing_id(str(payload["seller_id"]), str(payload["sku"]))
        return LedgerEvent(
            event_id=envelope.id,
            event_type=topic,
            listing_id=lid,
            seller_id=str(payload["seller_id"]),
            sku=str(payload["sku"]),
            proposal_id=uuid.UUID(str(payload["proposal_id"])),
            at=envelope.time,
            payload={k: payload[k] for k in ("issues", "warnings", "asin", "code", "reason") if k in payload},
            causation_id=envelope.causation_id,
            causation_type=envelope.causation_type,
            batch_id=payload.get("batch_id"),
        )
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise Unreadable("schema_invalid", f"not a listing event: {exc!r}") from exc


class LedgerHandler:
    def parse(self, record: Any) -> Incoming:
        try:
            envelope = envelope_of(record)
        except EnvelopeError as exc:
            raise Unreadable("bad_envelope", str(exc)) from exc
        return Incoming(record, envelope, to_ledger_event(record.topic, envelope, record.value or b""))

    async def apply(self, conn: asyncpg.Connection, items: list[Incoming]) -> list[Outgoing]:
        events: list[LedgerEvent] = [i.body for i in items]
        listing_ids = [e.listing_id for e in events]
        await lock_listings(conn, listing_ids)
        causes = [e.causation_id for e in events if e.causation_id] + [e.proposal_id for e in events]
        book = Book(versions=await load_versions(conn, listing_ids), applied=await load_applied(conn, causes))
        for event in events:
            book.apply(event)
        await self._release_waiting(conn, book)
        await save_book(conn, book)
        return self._state_changes(book)

    async def _release_waiting(self, conn: asyncpg.Connection, book: Book) -> None:
        """Apply the parked events whose cause was applied in this batch, and theirs, and so on."""
        checked = 0
        while checked < len(book.applied_now):
            newly_applied = book.applied_now[checked:]
            checked = len(book.applied_now)
            released = await release_parked(conn, newly_applied)
            unknown = [e.listing_id for e in released if e.listing_id not in book.versions]
            if unknown:
                await lock_listings(conn, unknown)
                book.versions.update(await load_versions(conn, unknown))
            for event in released:
                book.apply(event)

    def _state_changes(self, book: Book) -> list[Outgoing]:
        now = datetime.now(UTC)
        outgoing = []
        for version, entry in book.changed:
            event_type = topics.LISTING_STATE_CHANGED
            payload = ListingStateChanged(
                listing_id=version.listing_id,
                seller_id=version.seller_id,
                sku=version.sku,
                version=version.version,
                from_state=entry.from_state.value if entry.from_state else None,
                to_state=entry.to_state.value if entry.to_state else "",
                event_type=entry.event_type,
                event_id=entry.event_id,
                at=now,
            )
            envelope = Envelope.caused_by(
                entry.event_id, entry.event_type, event_type, source=SOURCE, subject=str(version.listing_id)
            )
            outgoing.append(Outgoing(event_type, str(version.listing_id), envelope, payload))
        return outgoing
