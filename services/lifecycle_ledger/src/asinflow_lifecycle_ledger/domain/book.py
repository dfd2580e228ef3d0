"""The ledger's decisions, pure: apply listing events to listing versions through the state machine.

Events of one listing travel on different topics, so they can arrive out of causal order. An event whose
cause (``causation_id``, a listing event) has not been applied yet is *parked* and applied right after its
cause. An event that the state machine forbids is recorded as an illegal transition; the state stays.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from asinflow_contracts import topics
from asinflow_contracts.state_machine import IllegalTransition, ListingState, next_state, starts_new_version

_LISTING_TOPICS = frozenset(topics.LISTING_LIFECYCLE_TOPICS)


@dataclass
class ListingVersion:
    listing_id: uuid.UUID
    seller_id: str
    sku: str
    version: int
    proposal_id: uuid.UUID
    state: ListingState
    batch_id: str | None = None
    asin: str | None = None
    issues: list[dict[str, Any]] = field(default_factory=list)
    updated_at: datetime | None = None
    dirty: bool = False


@dataclass(frozen=True)
class LedgerEvent:
    event_id: uuid.UUID
    event_type: str
    listing_id: uuid.UUID
    seller_id: str
    sku: str
    proposal_id: uuid.UUID
    at: datetime
    payload: dict[str, Any]
    causation_id: uuid.UUID | None = None
    causation_type: str | None = None
    batch_id: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    listing_id: uuid.UUID
    version: int
    event_id: uuid.UUID
    event_type: str
    from_state: ListingState | None
    to_state: ListingState | None
    legal: bool
    error: str | None
    at: datetime


@dataclass
class Book:
    """An in-memory view of the versions of some listings, plus the outcome of applying events to it.

    ``waiting`` holds the events waiting for another (by its id): parked by this book, or by an earlier one
    and handed back with ``resume``; each is applied right after what it waits for. ``parked`` lists the
    events this book parked and that still wait; ``unparked`` the resumed ones that left the waiting list
    (applied, or parked again on something else).
    """

    versions: dict[uuid.UUID, list[ListingVersion]]
    applied: set[uuid.UUID]
    waiting: dict[uuid.UUID, list[LedgerEvent]] = field(default_factory=dict)
    history: list[HistoryEntry] = field(default_factory=list)
    changed: list[tuple[ListingVersion, HistoryEntry]] = field(default_factory=list)
    applied_now: list[uuid.UUID] = field(default_factory=list)
    unparked: list[uuid.UUID] = field(default_factory=list)
    _parked: dict[uuid.UUID, tuple[uuid.UUID, LedgerEvent]] = field(default_factory=dict, init=False, repr=False)
    _resumed: set[uuid.UUID] = field(default_factory=set, init=False, repr=False)

    @property
    def parked(self) -> list[tuple[uuid.UUID, LedgerEvent]]:
        """(what it waits for, event) of each event this book parked that still waits, in the order parked."""
        return list(self._parked.values())

    def resume(self, parked: Iterable[tuple[uuid.UUID, LedgerEvent]]) -> None:
        """Take back events parked earlier, oldest first, each with the id of the event it waits for."""
        for waiting_for, event in parked:
            self.waiting.setdefault(waiting_for, []).append(event)
            self._resumed.add(event.event_id)

    def apply(self, event: LedgerEvent) -> None:
        blocker = self._blocker(event)
        if blocker is not None:
            self._parked[event.event_id] = (blocker, event)
            self.waiting.setdefault(blocker, []).append(event)
            return
        self._apply_now(event)
        self.applied.add(event.event_id)
        self.applied_now.append(event.event_id)
        for child in self.waiting.pop(event.event_id, []):
            self._parked.pop(child.event_id, None)
            if child.event_id in self._resumed:
                self._resumed.discard(child.event_id)
                self.unparked.append(child.event_id)
            self.apply(child)

    def _blocker(self, event: LedgerEvent) -> uuid.UUID | None:
        """The id of the listing event this one must wait for, if any."""
        if starts_new_version(event.event_type):
            return None
        cause = event.causation_id
        if cause is not None and event.causation_type in _LISTING_TOPICS and cause not in self.applied:
            return cause
        if self._version_of(event) is None:
            return event.proposal_id
        return None

    def _version_of(self, event: LedgerEvent) -> ListingVersion | None:
        for version in self.versions.get(event.listing_id, []):
            if version.proposal_id == event.proposal_id:
                return version
        return None

    def _apply_now(self, event: LedgerEvent) -> None:
        if starts_new_version(event.event_type):
            versions = self.versions.setdefault(event.listing_id, [])
            if any(v.proposal_id == event.event_id for v in versions):
                return  # already applied
            version = ListingVersion(
                listing_id=event.listing_id,
                seller_id=event.seller_id,
                sku=event.sku,
                version=(versions[-1].version + 1) if versions else 1,
                proposal_id=event.event_id,
                state=ListingState.PROPOSED,
                batch_id=event.batch_id,
                updated_at=event.at,
                dirty=True,
            )
            versions.append(version)
            # A new version starts afresh: no "from" state (the previous version keeps its own history).
            self._record(version, event, None, ListingState.PROPOSED, legal=True, error=None)
            return
        found = self._version_of(event)
        assert found is not None  # _blocker parks events without a version
        try:
            after = next_state(found.state, event.event_type)
        except IllegalTransition as exc:
            self._record(found, event, found.state, None, legal=False, error=str(exc))
            return
        before = found.state
        found.state = after
        found.updated_at = event.at
        found.dirty = True
        if event.event_type == topics.LISTING_REJECTED:
            found.issues = list(event.payload.get("issues", []))
        elif event.event_type == topics.LISTING_THROTTLED:  # waits with its CREATION_LIMIT_REACHED issue
            found.issues = [*found.issues, *(i for i in event.payload.get("issues", []) if i not in found.issues)]
        elif event.event_type == topics.LISTING_QUOTA_GRANTED:  # released: the throttle issue is over
            found.issues = [i for i in found.issues if i.get("code") != "CREATION_LIMIT_REACHED"]
        elif event.payload.get("warnings"):  # later steps carry the earlier steps' warnings too: add new ones
            found.issues = [*found.issues, *(w for w in event.payload["warnings"] if w not in found.issues)]
        if event.payload.get("asin"):
            found.asin = str(event.payload["asin"])
        self._record(found, event, before, after, legal=True, error=None)

    def _record(
        self,
        version: ListingVersion,
        event: LedgerEvent,
        before: ListingState | None,
        after: ListingState | None,
        *,
        legal: bool,
        error: str | None,
    ) -> None:
        entry = HistoryEntry(
            listing_id=version.listing_id,
            version=version.version,
            event_id=event.event_id,
            event_type=event.event_type,
            from_state=before,
            to_state=after,
            legal=legal,
            error=error,
            at=event.at,
        )
        self.history.append(entry)
        if legal and after is not None and (before != after or starts_new_version(event.event_type)):
            self.changed.append((version, entry))
