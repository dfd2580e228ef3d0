"""Use case of the activation service: apply created/stock/policy/reactivation events to listings."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

import asyncpg
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import (
    InventoryUpdated,
    ListingCreated,
    PolicyViolationReported,
    ReactivationDecided,
    ReactivationRequested,
    Scope,
)
from asinflow_contracts.ids import caused_event_id, listing_id
from asinflow_contracts.state_machine import ListingState
from asinflow_runtime.intake import Received
from asinflow_runtime.messages import Incoming, Outgoing
from asinflow_runtime.records import parse_typed
from pydantic import BaseModel

from asinflow_activation.adapters import postgres
from asinflow_activation.adapters.postgres import Changes, Request
from asinflow_activation.domain import decisions
from asinflow_activation.domain.decisions import Outcome, Refusal
from asinflow_activation.domain.status import ListingStatus, Violation

SERVICE = "activation"
SOURCE = f"/asinflow/{SERVICE}"

MODELS: dict[str, type[BaseModel]] = {
    topics.LISTING_CREATED: ListingCreated,
    topics.INVENTORY_UPDATED: InventoryUpdated,
    topics.POLICY_VIOLATION_REPORTED: PolicyViolationReported,
    topics.REACTIVATION_REQUESTED: ReactivationRequested,
    topics.REACTIVATION_DECIDED: ReactivationDecided,
}
CONSUMES = tuple(MODELS)


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


def _listing_of(body: BaseModel) -> uuid.UUID | None:
    seller, sku = getattr(body, "seller_id", None), getattr(body, "sku", None)
    return listing_id(seller, sku) if seller and sku else None


class ActivationHandler:
    def __init__(self, today: Callable[[], date] | None = None) -> None:
        self.today = today or (lambda: datetime.now(UTC).date())

    def parse(self, received: Received) -> Incoming:
        return parse_typed(received, MODELS)

    async def apply(self, conn: asyncpg.Connection, items: list[Incoming]) -> list[Outgoing]:
        asins = [
            i.body.asin for i in items if isinstance(i.body, PolicyViolationReported) and i.body.scope == Scope.ASIN
        ]
        members = await postgres.listing_ids_of_asins(conn, [a for a in asins if a])
        ids = [lid for i in items if (lid := _listing_of(i.body))] + [m for ms in members.values() for m in ms]
        await postgres.lock(conn, ids)
        statuses, stock = await postgres.load(conn, ids)
        batch = Batch(
            today=self.today(),
            statuses=statuses,
            stock=stock,
            members=members,
            asin_violations=await postgres.open_asin_violations(
                conn, [i.body.asin for i in items if isinstance(i.body, ListingCreated)]
            ),
            requests=await postgres.load_requests(
                conn, [i.body.request_id for i in items if isinstance(i.body, ReactivationDecided)]
            ),
        )
        for item in items:
            batch.apply(item)
        await postgres.save(conn, batch.changes)
        return batch.outgoing


class Batch:
    """One batch being applied: the state it loaded, the changes and events it produces."""

    def __init__(
        self,
        today: date,
        statuses: dict[uuid.UUID, ListingStatus],
        stock: dict[uuid.UUID, int],
        members: dict[str, list[uuid.UUID]],
        asin_violations: dict[str, list[Violation]],
        requests: dict[str, Request],
    ) -> None:
        self.today = today
        self.statuses = statuses
        self.stock = stock
        self.members = members
        self.asin_violations = asin_violations
        self.requests = requests
        self.changes = Changes(
            statuses={},
            stock={},
            violations=[],
            asin_violations=[],
            resolved=[],
            requests=[],
            decisions=[],
            refusals=[],
        )
        self.outgoing: list[Outgoing] = []

    def apply(self, item: Incoming) -> None:
        body = item.body
        if isinstance(body, ListingCreated):
            self._created(item, body)
        elif isinstance(body, InventoryUpdated):
            self._inventory(item, body)
        elif isinstance(body, PolicyViolationReported):
            self._violation(item, body)
        elif isinstance(body, ReactivationRequested):
            self._request(item, body)
        elif isinstance(body, ReactivationDecided):
            self._decision(item, body)

    def _created(self, item: Incoming, created: ListingCreated) -> None:
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
            status.last_event_id, status.last_event_type = item.event_id, item.envelope.type  # chain on creation
        self.statuses[created.listing_id] = status
        outcome = decisions.on_created(status, created, self.asin_violations.get(created.asin, []), self.today)
        for violation in status.violations.values():
            self.changes.violations.append((status.listing_id, violation))
        self._record(item, status, outcome)

    def _inventory(self, item: Incoming, update: InventoryUpdated) -> None:
        lid = listing_id(update.seller_id, update.sku)
        self.stock[lid] = self.changes.stock[lid] = update.quantity
        status = self.statuses.get(lid)
        if status is not None:
            self._record(item, status, decisions.on_inventory(status, update.quantity, self.today))

    def _violation(self, item: Incoming, report: PolicyViolationReported) -> None:
        violation = violation_of(report)
        if report.scope == Scope.ASIN:
            assert report.asin is not None
            self.changes.asin_violations.append((report.asin, violation))
            self.asin_violations.setdefault(report.asin, []).append(violation)
            targets = [self.statuses[m] for m in self.members.get(report.asin, []) if m in self.statuses]
        else:
            lid = _listing_of(report)
            target = self.statuses.get(lid) if lid else None
            if target is None:
                self._refuse(item, lid, Refusal(topics.LISTING_SUPPRESSED, None, "no such created listing"))
                return
            targets = [target]
        for status in targets:
            self.changes.violations.append((status.listing_id, violation))
            self._record(item, status, decisions.on_violation(status, violation, self.today))

    def _request(self, item: Incoming, request: ReactivationRequested) -> None:
        lid = listing_id(request.seller_id, request.sku)
        status = self.statuses.get(lid)
        refusal = decisions.check_request(status, request.violation_ids)
        state = "REFUSED" if refusal else "PENDING"
        self.changes.requests.append(
            (request.request_id, lid, request.violation_ids, request.root_cause_fix, request.evidence, state)
        )
        self.requests[request.request_id] = Request(
            request.request_id, lid, request.violation_ids, request.root_cause_fix, state
        )
        if refusal is not None:
            self._refuse(item, lid, refusal)

    def _decision(self, item: Incoming, decision: ReactivationDecided) -> None:
        lid = listing_id(decision.seller_id, decision.sku)
        request = self.requests.get(decision.request_id)
        if request is None or request.status != "PENDING" or request.listing_id != lid:
            why = "no such request" if request is None else f"request is {request.status}"
            self._refuse(item, lid, Refusal(topics.LISTING_REACTIVATED, None, f"{decision.request_id}: {why}"))
            return
        status = self.statuses[lid]
        new_status = "APPROVED" if decision.approved else "REJECTED"
        self.changes.decisions.append((decision.request_id, new_status, decision.decided_by, decision.note))
        self.requests[decision.request_id] = Request(
            request.request_id, lid, request.violation_ids, request.root_cause_fix, new_status
        )
        if not decision.approved:
            return
        outcome = decisions.on_approval(
            status, request.request_id, request.violation_ids, request.root_cause_fix, decision.decided_by, self.today
        )
        self.changes.resolved += [(lid, v, request.request_id) for v in outcome.resolved]
        self._record(item, status, outcome)

    def _refuse(self, item: Incoming, lid: uuid.UUID | None, refusal: Refusal) -> None:
        if lid is not None:
            state = refusal.state.value if refusal.state else None
            self.changes.refusals.append((lid, item.event_id, refusal.attempted, state, refusal.reason))

    def _record(self, item: Incoming, status: ListingStatus, outcome: Outcome) -> None:
        """Emit the outcome's events, each caused by the listing's previous lifecycle event (so the ledger
        applies them in this order although they travel on different topics)."""
        self.changes.statuses[status.listing_id] = status
        for refusal in outcome.refusals:
            self._refuse(item, status.listing_id, refusal)
        for emit in outcome.emits:
            event_id = caused_event_id(item.event_id, f"{emit.event_type}|{status.listing_id}")
            envelope = Envelope(
                id=event_id,
                type=emit.event_type,
                source=SOURCE,
                subject=str(status.listing_id),
                causation_id=status.last_event_id,
                causation_type=status.last_event_type,
            )
            self.outgoing.append(Outgoing(emit.event_type, str(status.listing_id), envelope, emit.payload))
            status.last_event_id, status.last_event_type = event_id, emit.event_type
            status.sequence = emit.payload.sequence
