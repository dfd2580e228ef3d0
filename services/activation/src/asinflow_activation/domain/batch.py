"""One batch of activation events decided at once (pure): what it changes and the events it emits.

The handler loads what the batch needs (``Known``), ``decide`` applies the events in order on that state —
a later event of the batch sees what an earlier one did — and returns ``Decisions``: the changes to save and
the events to emit, each lifecycle event caused by the listing's previous one. After each event, a listing whose
status for buyers (BUYABLE / DISCOVERABLE / DELETED) differs from the one last notified gets a
``listing.status-changed``, caused by that event.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import (
    InventoryUpdated,
    ListingCreated,
    ListingDeletionRequested,
    ListingStatusChanged,
    PolicyViolationReported,
    ReactivationDecided,
    ReactivationRequested,
    Scope,
)
from asinflow_contracts.ids import caused_event_id, listing_id
from asinflow_contracts.state_machine import ListingState
from pydantic import BaseModel

from asinflow_activation.domain import decisions
from asinflow_activation.domain.changes import (
    Changes,
    NewRequest,
    RefusalRecord,
    Request,
    RequestDecision,
    Resolution,
)
from asinflow_activation.domain.decisions import Outcome, Refusal
from asinflow_activation.domain.status import ListingStatus, Violation

SOURCE = "/asinflow/activation"  # the service emitting the events


@dataclass(frozen=True)
class Event:
    """A consumed event: its id, type, body and time (``ce_time``)."""

    event_id: uuid.UUID
    event_type: str
    body: BaseModel
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class Known:
    """What the service holds for a batch. ``decide`` copies the mappings but changes the statuses in place:
    the store gives fresh ones."""

    statuses: dict[uuid.UUID, ListingStatus]  # created listings concerned, with their open violations
    stock: dict[uuid.UUID, int]  # also of listings not created yet
    asin_violations: dict[str, list[Violation]]  # open ASIN-level violations of the ASINs created on
    requests: dict[str, Request]  # reactivation requests decided in the batch


@dataclass(frozen=True)
class Emitted:
    listing_id: uuid.UUID
    envelope: Envelope
    payload: BaseModel


@dataclass
class Decisions:
    changes: Changes = field(default_factory=Changes)
    emitted: list[Emitted] = field(default_factory=list)


def listing_of(body: BaseModel) -> uuid.UUID | None:
    seller, sku = getattr(body, "seller_id", None), getattr(body, "sku", None)
    return listing_id(seller, sku) if seller and sku else None


def listings_concerned(bodies: Sequence[BaseModel], members: dict[str, list[uuid.UUID]]) -> list[uuid.UUID]:
    """The listings a batch may change: those its events name, and every listing of the ASINs it reports."""
    return [lid for b in bodies if (lid := listing_of(b))] + [m for ms in members.values() for m in ms]


def asins_reported(bodies: Sequence[BaseModel]) -> list[str]:
    return [b.asin for b in bodies if isinstance(b, PolicyViolationReported) and b.scope == Scope.ASIN and b.asin]


def asins_created_on(bodies: Sequence[BaseModel]) -> list[str]:
    return [b.asin for b in bodies if isinstance(b, ListingCreated)]


def requests_decided(bodies: Sequence[BaseModel]) -> list[str]:
    return [b.request_id for b in bodies if isinstance(b, ReactivationDecided)]


def violation_of(report: PolicyViolationReported) -> Violation:
    return Violation(
        violation_id=report.violation_id,
        kind=report.kind,
        enforcement=report.effective_enforcement(),
        scope=report.scope,
        reporter=report.reporter,
        evidence=tuple(report.evidence),
        exempt_until=report.exempt_until,
    )


def decide(events: Sequence[Event], known: Known, today: date) -> Decisions:
    batch = _Batch(known, today)
    for event in events:
        batch.apply(event)
    return batch.decisions


class _Batch:
    """One batch being decided: the state it loaded, the changes and events it produces."""

    def __init__(self, known: Known, today: date) -> None:
        self.today = today
        self.statuses = dict(known.statuses)
        self.stock = dict(known.stock)
        self.asin_violations = {asin: list(vs) for asin, vs in known.asin_violations.items()}
        self.requests = dict(known.requests)
        self.decisions = Decisions()
        self.changes = self.decisions.changes

    def apply(self, event: Event) -> None:
        body = event.body
        if isinstance(body, ListingCreated):
            self._created(event, body)
        elif isinstance(body, InventoryUpdated):
            self._inventory(event, body)
        elif isinstance(body, PolicyViolationReported):
            self._violation(event, body)
        elif isinstance(body, ReactivationRequested):
            self._request(event, body)
        elif isinstance(body, ReactivationDecided):
            self._decision(event, body)
        elif isinstance(body, ListingDeletionRequested):
            self._deletion(event, body)

    def _created(self, event: Event, created: ListingCreated) -> None:
        status = self.statuses.get(created.listing_id) or ListingStatus(
            listing_id=created.listing_id,
            seller_id=created.seller_id,
            sku=created.sku,
            proposal_id=created.proposal_id,
            asin=created.asin,
            state=ListingState.CREATED,
            quantity=None,
        )
        quantity = self.stock.get(created.listing_id)  # a stock update may have come before the creation
        if quantity is None and created.quantity is not None:
            quantity = self.stock[created.listing_id] = self.changes.stock[created.listing_id] = created.quantity
        status.quantity = quantity
        if status.last_event_id is None or status.proposal_id != created.proposal_id:
            status.last_event_id, status.last_event_type = event.event_id, event.event_type  # chain on creation
        self.statuses[created.listing_id] = status
        outcome = decisions.on_created(status, created, self.asin_violations.get(created.asin, []), self.today)
        for violation in status.violations.values():
            self.changes.violations.append((status.listing_id, violation))
        self._record(event, status, outcome)

    def _inventory(self, event: Event, update: InventoryUpdated) -> None:
        lid = listing_id(update.seller_id, update.sku)
        self.stock[lid] = self.changes.stock[lid] = update.quantity
        status = self.statuses.get(lid)
        if status is not None:
            self._record(event, status, decisions.on_inventory(status, update.quantity, self.today))

    def _violation(self, event: Event, report: PolicyViolationReported) -> None:
        violation = violation_of(report)
        if report.scope == Scope.ASIN:
            assert report.asin is not None
            self.changes.asin_violations.append((report.asin, violation))
            self.asin_violations.setdefault(report.asin, []).append(violation)
            # every offer on the ASIN: those in the catalog (loaded) and those created earlier in this batch
            targets = [status for status in self.statuses.values() if status.asin == report.asin]
        else:
            lid = listing_of(report)
            target = self.statuses.get(lid) if lid else None
            if target is None:
                self._refuse(event, lid, Refusal(topics.LISTING_SUPPRESSED, None, "no such created listing"))
                return
            targets = [target]
        for status in targets:
            self.changes.violations.append((status.listing_id, violation))
            self._record(event, status, decisions.on_violation(status, violation, self.today))

    def _request(self, event: Event, request: ReactivationRequested) -> None:
        lid = listing_id(request.seller_id, request.sku)
        refusal = decisions.check_request(self.statuses.get(lid), request.violation_ids)
        state = "REFUSED" if refusal else "PENDING"
        recorded = Request(request.request_id, lid, request.violation_ids, request.root_cause_fix, state)
        self.changes.requests.append(NewRequest(recorded, list(request.evidence)))
        self.requests[request.request_id] = recorded
        if refusal is not None:
            self._refuse(event, lid, refusal)

    def _decision(self, event: Event, decision: ReactivationDecided) -> None:
        lid = listing_id(decision.seller_id, decision.sku)
        request = self.requests.get(decision.request_id)
        if request is None or request.status != "PENDING" or request.listing_id != lid:
            why = "no such request" if request is None else f"request is {request.status}"
            self._refuse(event, lid, Refusal(topics.LISTING_REACTIVATED, None, f"{decision.request_id}: {why}"))
            return
        status = self.statuses[lid]
        new_status = "APPROVED" if decision.approved else "REJECTED"
        self.changes.decisions.append(
            RequestDecision(decision.request_id, new_status, decision.decided_by, decision.note)
        )
        self.requests[decision.request_id] = Request(
            request.request_id, lid, request.violation_ids, request.root_cause_fix, new_status
        )
        if not decision.approved:
            return
        outcome = decisions.on_approval(
            status, request.request_id, request.violation_ids, request.root_cause_fix, decision.decided_by, self.today
        )
        self.changes.resolved += [Resolution(lid, v, request.request_id) for v in outcome.resolved]
        self._record(event, status, outcome)

    def _deletion(self, event: Event, request: ListingDeletionRequested) -> None:
        lid = listing_id(request.seller_id, request.sku)
        status = self.statuses.get(lid)
        if status is None:
            why = "no such listing in the catalog (only a created listing can be deleted)"
            self._refuse(event, lid, Refusal(topics.LISTING_DELETED, None, why))
            return
        self._record(event, status, decisions.on_deletion(status, request.requested_by, request.reason, self.today))

    def _refuse(self, event: Event, lid: uuid.UUID | None, refusal: Refusal) -> None:
        if lid is not None:
            state = refusal.state.value if refusal.state else None
            self.changes.refusals.append(RefusalRecord(lid, event.event_id, refusal.attempted, state, refusal.reason))

    def _record(self, event: Event, status: ListingStatus, outcome: Outcome) -> None:
        """Emit the outcome's events, each caused by the listing's previous lifecycle event (so the ledger
        applies them in this order although they travel on different topics)."""
        self.changes.statuses[status.listing_id] = status
        for refusal in outcome.refusals:
            self._refuse(event, status.listing_id, refusal)
        for emit in outcome.emits:
            event_id = caused_event_id(event.event_id, f"{emit.event_type}|{status.listing_id}")
            envelope = Envelope(
                id=event_id,
                type=emit.event_type,
                source=SOURCE,
                subject=str(status.listing_id),
                causation_id=status.last_event_id,
                causation_type=status.last_event_type,
            )
            self.decisions.emitted.append(Emitted(status.listing_id, envelope, emit.payload))
            status.last_event_id, status.last_event_type = event_id, emit.event_type
            status.sequence = emit.payload.sequence
        self._notify_status(event, status)

    def _notify_status(self, event: Event, status: ListingStatus) -> None:
        """A ``listing.status-changed`` if what buyers see differs from what was notified last."""
        flags = status.status_flags(self.today)
        if flags is None or flags == status.notified:
            return
        payload = ListingStatusChanged(
            listing_id=status.listing_id,
            seller_id=status.seller_id,
            sku=status.sku,
            asin=status.asin,
            status=list(flags),
            previous=list(status.notified) if status.notified is not None else None,
            at=event.at,
            sequence=status.status_sequence + 1,
        )
        envelope = Envelope(
            id=caused_event_id(event.event_id, f"{topics.LISTING_STATUS_CHANGED}|{status.listing_id}"),
            type=topics.LISTING_STATUS_CHANGED,
            source=SOURCE,
            subject=str(status.listing_id),
            causation_id=event.event_id,
            causation_type=event.event_type,
        )
        self.decisions.emitted.append(Emitted(status.listing_id, envelope, payload))
        status.notified, status.status_sequence = flags, payload.sequence
