"""The ledger's decisions, pure: apply listing events to listing versions through the state machine.

Events of one listing travel on different topics, so they can arrive out of causal order. An event whose
cause (``causation_id``, a listing event) has not been applied yet is *parked* and applied right after its
cause. An event that the state machine forbids is recorded as an illegal transition; the state stays.

Each version keeps the issues of its listing (``domain.notices`` says how enforcement issues follow the listing
across versions). After every event applied, the listing's latest version is compared with the issues last
notified: a change of the severities or enforcement actions present is a ``listing.issues-changed`` to emit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from asinflow_contracts import topics
from asinflow_contracts.state_machine import IllegalTransition, ListingState, next_state, starts_new_version

from asinflow_lifecycle_ledger.domain.notices import IssueNotice, enforcement_issues, other_issues, summary

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

    ``notices`` holds the ``listing.issues-changed`` last sent for each listing (loaded with the versions, updated
    as the book applies events); ``issue_notices`` the ones to send, each with the event that caused it.
    """

    versions: dict[uuid.UUID, list[ListingVersion]]
    applied: set[uuid.UUID]
    notices: dict[uuid.UUID, IssueNotice] = field(default_factory=dict)
    issue_notices: list[tuple[IssueNotice, LedgerEvent]] = field(default_factory=list)
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

    @property
    def changed_notices(self) -> list[IssueNotice]:
        """The last notice of each listing this book sent one for (what the store keeps)."""
        return list({n.listing_id: n for n, _ in self.issue_notices}.values())

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
        if self._apply_now(event):
            self._notice(event)
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

    def _apply_now(self, event: LedgerEvent) -> bool:
        """Apply one event; True when it was legal (its listing's issues may have changed)."""
        if starts_new_version(event.event_type):
            versions = self.versions.setdefault(event.listing_id, [])
            if any(v.proposal_id == event.event_id for v in versions):
                return False  # already applied
            version = ListingVersion(
                listing_id=event.listing_id,
                seller_id=event.seller_id,
                sku=event.sku,
                version=(versions[-1].version + 1) if versions else 1,
                proposal_id=event.event_id,
                state=ListingState.PROPOSED,
                batch_id=event.batch_id,
                # the open enforcements follow the listing (activation suppresses the new version too)
                issues=enforcement_issues(versions[-1].issues) if versions else [],
                updated_at=event.at,
                dirty=True,
            )
            versions.append(version)
            # A new version starts afresh: no "from" state (the previous version keeps its own history).
            self._record(version, event, None, ListingState.PROPOSED, legal=True, error=None)
            return True
        found = self._version_of(event)
        assert found is not None  # _blocker parks events without a version
        try:
            after = next_state(found.state, event.event_type)
        except IllegalTransition as exc:
            self._record(found, event, found.state, None, legal=False, error=str(exc))
            return False
        before = found.state
        found.state = after
        found.updated_at = event.at
        found.dirty = True
        if event.event_type == topics.LISTING_REJECTED:  # its errors, and the enforcements still open
            found.issues = [*event.payload.get("issues", []), *enforcement_issues(found.issues)]
        elif event.event_type == topics.LISTING_SUPPRESSED:
            # it carries every enforcement open on the listing: they replace those known (a producer that sends
            # none, before the field existed, leaves them as they were)
            carried = enforcement_issues(event.payload.get("issues", []))
            if carried:
                found.issues = [*other_issues(found.issues), *carried]
        elif event.event_type == topics.LISTING_REACTIVATED:  # every violation is resolved
            found.issues = other_issues(found.issues)
        elif event.event_type == topics.LISTING_THROTTLED:  # waits with its CREATION_LIMIT_REACHED issue
            found.issues = [*found.issues, *(i for i in event.payload.get("issues", []) if i not in found.issues)]
        elif event.event_type == topics.LISTING_QUOTA_GRANTED:  # released: the throttle issue is over
            found.issues = [i for i in found.issues if i.get("code") != "CREATION_LIMIT_REACHED"]
        elif event.payload.get("warnings"):  # later steps carry the earlier steps' warnings too: add new ones
            found.issues = [*found.issues, *(w for w in event.payload["warnings"] if w not in found.issues)]
        if event.payload.get("asin"):
            found.asin = str(event.payload["asin"])
        self._record(found, event, before, after, legal=True, error=None)
        return True

    def _notice(self, event: LedgerEvent) -> None:
        """After ``event``: a notice if the severities or enforcement actions of its listing's latest version differ
        from those last notified (nothing for a listing that never had an issue)."""
        latest = self.versions[event.listing_id][-1]
        severities, actions = summary(latest.issues)
        last = self.notices.get(event.listing_id)
        if last is None and not severities and not actions:
            return
        if last is not None and (last.severities, last.actions) == (severities, actions):
            return
        notice = IssueNotice(
            listing_id=latest.listing_id,
            seller_id=latest.seller_id,
            sku=latest.sku,
            version=latest.version,
            asin=latest.asin,
            severities=severities,
            actions=actions,
            sequence=(last.sequence if last else 0) + 1,
        )
        self.notices[event.listing_id] = notice
        self.issue_notices.append((notice, event))

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
