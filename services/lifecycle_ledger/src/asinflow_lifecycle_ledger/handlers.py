"""Use case of the lifecycle ledger: apply every listing event through the state machine, keep history."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime

import asyncpg
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import ListingRef, ListingStateChanged
from asinflow_contracts.ids import listing_id
from asinflow_contracts.proposal_reading import listing_identity
from asinflow_contracts.registry import EVENT_MODELS
from asinflow_runtime.intake import Received
from asinflow_runtime.messages import Incoming, Outgoing, Unreadable
from asinflow_runtime.records import validated

from asinflow_lifecycle_ledger.adapters.store import (
    load_applied,
    load_versions,
    lock_listings,
    mark_orphans,
    release_parked,
    save_book,
)
from asinflow_lifecycle_ledger.domain.book import Book, LedgerEvent

SERVICE = "lifecycle-ledger"
#: A parked event whose cause has not been applied after this many seconds is listed as an orphan.
ORPHAN_AFTER_S = float(os.environ.get("ASINFLOW_LEDGER_ORPHAN_AFTER_S", "600"))
SOURCE = f"/asinflow/{SERVICE}"
_log = logging.getLogger(__name__)


#: What the ledger keeps of a lifecycle event's body (issues, warnings, ASIN, rejection code, reason).
KEPT_FIELDS = ("issues", "warnings", "asin", "code", "reason")


def to_ledger_event(received: Received) -> LedgerEvent:
    """The listing event of a received record, checked against its topic's contract; raises ``Unreadable``."""
    envelope = received.envelope
    if received.topic == topics.LISTING_PROPOSED:
        # A proposal that names its listing is a ledger event even when it breaks the schema: identifier
        # validation rejects it SCHEMA_INVALID, and the ledger records that rejection on this version.
        identity = listing_identity(received.data)
        if isinstance(identity, str):
            raise Unreadable("unparseable_proposal", identity)
        seller_id, sku = identity
        batch = received.data.get("batch_id")
        return LedgerEvent(
            event_id=envelope.id,
            event_type=received.topic,
            listing_id=listing_id(seller_id, sku),
            seller_id=seller_id,
            sku=sku,
            proposal_id=envelope.id,
            at=envelope.time,
            payload={},
            batch_id=batch if isinstance(batch, str) and len(batch) <= 200 and "\x00" not in batch else None,
        )
    event = validated(received, EVENT_MODELS[received.topic])
    assert isinstance(event, ListingRef)
    kept = set(KEPT_FIELDS) & set(type(event).model_fields)
    return LedgerEvent(
        event_id=envelope.id,
        event_type=received.topic,
        listing_id=event.listing_id,
        seller_id=event.seller_id,
        sku=event.sku,
        proposal_id=event.proposal_id,
        at=envelope.time,
        payload=event.model_dump(mode="json", include=kept, exclude_none=True),
        causation_id=envelope.causation_id,
        causation_type=envelope.causation_type,
        batch_id=event.batch_id,
    )


class LedgerHandler:
    def __init__(self, orphan_after_s: float = ORPHAN_AFTER_S) -> None:
        self.orphan_after_s = orphan_after_s

    def parse(self, received: Received) -> Incoming:
        return Incoming(received.record, received.envelope, to_ledger_event(received))

    async def tick(self, conn: asyncpg.Connection) -> list[Outgoing]:
        """Mark parked events whose cause never came as orphans (listed by `asinflow orphans`)."""
        for row in await mark_orphans(conn, self.orphan_after_s):
            _log.warning(
                "orphaned: event %s parked since %s still waits for %s, which has not been applied",
                row["event_id"],
                row["parked_at"].isoformat(timespec="seconds"),
                row["waiting_for"],
            )
        return []

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
            assert entry.to_state is not None  # only legal transitions change a state
            event_type = topics.LISTING_STATE_CHANGED
            payload = ListingStateChanged(
                listing_id=version.listing_id,
                seller_id=version.seller_id,
                sku=version.sku,
                version=version.version,
                from_state=entry.from_state,
                to_state=entry.to_state,
                event_type=entry.event_type,
                event_id=entry.event_id,
                at=now,
            )
            envelope = Envelope.caused_by(
                entry.event_id, entry.event_type, event_type, source=SOURCE, subject=str(version.listing_id)
            )
            outgoing.append(Outgoing(event_type, str(version.listing_id), envelope, payload))
        return outgoing
