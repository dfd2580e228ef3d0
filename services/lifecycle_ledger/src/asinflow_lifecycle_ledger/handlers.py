"""Use case of the lifecycle ledger: apply every listing event through the state machine, keep history.

A batch reads in four steps: load the batch's listings (locked), the events parked earlier that the batch
may release (however long their chains, in one go), the versions, the issue notices last sent and which causes
were applied; decide in the book (pure: apply each event, or park it until its cause is applied, then apply what
waited for it); save what the book changed; emit the state changes and the issue notices
(``listing.issues-changed``).
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

import asyncpg
from asinflow_contracts import topics
from asinflow_contracts.base import BOUNDS_CHECKED
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import ListingIssuesChanged, ListingRef, ListingStateChanged
from asinflow_contracts.ids import listing_id
from asinflow_contracts.proposal_reading import listing_identity
from asinflow_contracts.registry import EVENT_MODELS
from asinflow_runtime.intake import Received
from asinflow_runtime.messages import Incoming, Outgoing, Unreadable
from asinflow_runtime.records import validated

from asinflow_lifecycle_ledger.adapters.postgres import PostgresLedgerStore
from asinflow_lifecycle_ledger.domain.book import Book, LedgerEvent
from asinflow_lifecycle_ledger.store import LedgerStore

SERVICE = "lifecycle-ledger"
#: A parked event whose cause has not been applied after this many seconds is listed as an orphan.
ORPHAN_AFTER_S = float(os.environ.get("ASINFLOW_LEDGER_ORPHAN_AFTER_S", "600"))
SOURCE = f"/asinflow/{SERVICE}"
_WITHIN_BOUNDS = {BOUNDS_CHECKED: True}
_log = logging.getLogger(__name__)


#: What the ledger keeps of a lifecycle event's body (issues, warnings, ASIN, rejection code, reason).
KEPT_FIELDS = ("issues", "warnings", "asin", "code", "reason")
#: The kept fields each topic's model has.
_KEPT: dict[str, set[str]] = {
    topic: set(KEPT_FIELDS) & set(model.model_fields) for topic, model in EVENT_MODELS.items()
}


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
    kept = _KEPT[received.topic]
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

    async def apply(self, conn: asyncpg.Connection, items: list[Incoming]) -> list[Outgoing]:
        return await self.handle(PostgresLedgerStore(conn), items)

    async def tick(self, conn: asyncpg.Connection) -> list[Outgoing]:
        return await self.mark_orphans(PostgresLedgerStore(conn))

    async def handle(self, store: LedgerStore, items: list[Incoming]) -> list[Outgoing]:
        events: list[LedgerEvent] = [i.body for i in items]
        # load: the batch's listings first (locked before anything of theirs is read), then what it may release
        listings = {e.listing_id for e in events}
        await store.lock_listings(listings)
        parked = await store.parked_behind([e.event_id for e in events])
        others = {p.event.listing_id for p in parked} - listings
        await store.lock_listings(others)
        book = Book(
            versions=await store.versions(listings | others),
            applied=await store.applied(_causes([*events, *(p.event for p in parked)])),
            notices=await store.notices(listings | others),
        )
        book.resume((p.waiting_for, p.event) for p in parked)
        # decide
        for event in events:
            book.apply(event)
        # save
        await store.save(book)
        # emit
        return [*_state_changes(book), *_issue_notices(book)]

    async def mark_orphans(self, store: LedgerStore) -> list[Outgoing]:
        """Mark parked events whose cause never came as orphans (listed by `asinflow orphans`)."""
        for parked in await store.mark_orphans(self.orphan_after_s):
            _log.warning(
                "orphaned: event %s parked since %s still waits for %s, which has not been applied",
                parked.event.event_id,
                parked.parked_at.isoformat(timespec="seconds"),
                parked.waiting_for,
            )
        return []


def _causes(events: Iterable[LedgerEvent]) -> set[uuid.UUID]:
    """The events these may wait for: their causes and their proposals."""
    causes: set[uuid.UUID] = set()
    for e in events:
        causes.add(e.proposal_id)
        if e.causation_id is not None:
            causes.add(e.causation_id)
    return causes


def _state_changes(book: Book) -> list[Outgoing]:
    now = datetime.now(UTC)
    outgoing = []
    for version, entry in book.changed:
        assert entry.to_state is not None  # only legal transitions change a state
        event_type = topics.LISTING_STATE_CHANGED
        fields = {
            "listing_id": version.listing_id,
            "seller_id": version.seller_id,
            "sku": version.sku,
            "version": version.version,
            "from_state": entry.from_state,
            "to_state": entry.to_state,
            "event_type": entry.event_type,
            "event_id": entry.event_id,
            "at": now,
        }
        # every field comes from events checked against their contracts: no need to walk them for bounds again
        payload = ListingStateChanged.model_validate(fields, context=_WITHIN_BOUNDS)
        envelope = Envelope.caused_by(
            entry.event_id, entry.event_type, event_type, source=SOURCE, subject=str(version.listing_id)
        )
        outgoing.append(Outgoing(event_type, str(version.listing_id), envelope, payload))
    return outgoing


def _issue_notices(book: Book) -> list[Outgoing]:
    """A ``listing.issues-changed`` for each notice of the book, caused by the event after which the issues changed
    (one ledger event concerns one listing, so its id and the topic make the notice's id)."""
    outgoing = []
    for notice, cause in book.issue_notices:
        event_type = topics.LISTING_ISSUES_CHANGED
        fields = {
            "listing_id": notice.listing_id,
            "seller_id": notice.seller_id,
            "sku": notice.sku,
            "asin": notice.asin,
            "version": notice.version,
            "severities": list(notice.severities),
            "enforcement_actions": list(notice.actions),
            "at": cause.at,
            "sequence": notice.sequence,
        }
        payload = ListingIssuesChanged.model_validate(fields, context=_WITHIN_BOUNDS)
        envelope = Envelope.caused_by(
            cause.event_id, cause.event_type, event_type, source=SOURCE, subject=str(notice.listing_id)
        )
        outgoing.append(Outgoing(event_type, str(notice.listing_id), envelope, payload))
    return outgoing
