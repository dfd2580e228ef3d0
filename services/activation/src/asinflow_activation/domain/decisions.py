"""What happens to a listing's activation on each event: the events to emit, or a recorded refusal.

Every transition goes through the shared state machine; an attempt it forbids (restocking a suppressed
listing, reactivating an active one, deleting a deleted one) is refused and recorded, never emitted. A suppression
event carries every enforcement issue open on the listing, so that whoever keeps the listing's issues (the
lifecycle ledger) knows them all: one is emitted for each new violation, also on a listing suppressed already,
and for an approval that resolves only some.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from asinflow_contracts import topics
from asinflow_contracts.events import (
    ActivationReason,
    DeactivationReason,
    ListingActivated,
    ListingCreated,
    ListingDeactivated,
    ListingDeleted,
    ListingReactivated,
    ListingSuppressed,
)
from asinflow_contracts.events.activation import ActivationEvent
from asinflow_contracts.state_machine import IllegalTransition, ListingState, next_state

from asinflow_activation.domain.enforcement import open_issues
from asinflow_activation.domain.status import SEVERITY, ListingStatus, Violation

#: Enforcement issues a suppression carries at most (its ``issues`` field's bound): the strictest ones.
MAX_ISSUES = 100


@dataclass(frozen=True)
class Emit:
    event_type: str
    payload: ActivationEvent


@dataclass(frozen=True)
class Refusal:
    attempted: str
    state: ListingState | None
    reason: str


@dataclass
class Outcome:
    emits: list[Emit] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)  # violation ids resolved by an approval


def _ref(status: ListingStatus, today: date) -> dict[str, object]:
    buyable, discoverable = status.visibility(today)
    return {
        "listing_id": status.listing_id,
        "seller_id": status.seller_id,
        "sku": status.sku,
        "proposal_id": status.proposal_id,
        "asin": status.asin,
        "quantity": status.quantity,
        "buyable": buyable,
        "discoverable": discoverable,
        "sequence": status.sequence + 1,
    }


def _move(status: ListingStatus, event_type: str, outcome: Outcome) -> bool:
    try:
        status.state = next_state(status.state, event_type)
    except IllegalTransition as exc:
        outcome.refusals.append(Refusal(event_type, status.state, str(exc)))
        return False
    return True


def _emit(status: ListingStatus, outcome: Outcome, emit: Emit) -> None:
    """Record an event; the listing's sequence advances with each one (subscribers order by it)."""
    outcome.emits.append(emit)
    status.sequence = emit.payload.sequence


def _activate(status: ListingStatus, reason: ActivationReason, today: date, outcome: Outcome) -> None:
    if _move(status, topics.LISTING_ACTIVATED, outcome):
        _emit(status, outcome, Emit(topics.LISTING_ACTIVATED, ListingActivated(**_ref(status, today), reason=reason)))


def _deactivate(status: ListingStatus, today: date, outcome: Outcome) -> None:
    if _move(status, topics.LISTING_DEACTIVATED, outcome):
        payload = ListingDeactivated(**_ref(status, today), reason=DeactivationReason.OUT_OF_STOCK)
        _emit(status, outcome, Emit(topics.LISTING_DEACTIVATED, payload))


def _suppress(status: ListingStatus, violation: Violation, today: date, outcome: Outcome) -> None:
    if _move(status, topics.LISTING_SUPPRESSED, outcome):
        payload = ListingSuppressed(
            **_ref(status, today),
            reason=violation.kind,
            enforcement=violation.enforcement,
            scope=violation.scope,
            violation_id=violation.violation_id,
            reporter=violation.reporter,
            evidence=list(violation.evidence),
            exempt_until=violation.exempt_until,
            issues=open_issues(status, today, MAX_ISSUES),
        )
        _emit(status, outcome, Emit(topics.LISTING_SUPPRESSED, payload))


def _strictest(status: ListingStatus, today: date) -> Violation | None:
    """The violation that names a suppression: the strictest that applies today, an exempted one only if all are."""
    return status.strictest(today) or max(
        status.violations.values(), key=lambda v: SEVERITY[v.enforcement], default=None
    )


def on_created(
    status: ListingStatus, created: ListingCreated, open_asin_violations: list[Violation], today: date
) -> Outcome:
    """A (new version of a) listing is attached to its ASIN: suppressed if a violation is open on it or its
    ASIN, otherwise active with stock and inactive without."""
    outcome = Outcome()
    status.state = ListingState.CREATED
    status.proposal_id = created.proposal_id
    status.asin = created.asin
    for violation in open_asin_violations:
        status.violations.setdefault(violation.violation_id, violation)
    strictest = _strictest(status, today)
    if strictest is not None:
        _suppress(status, strictest, today, outcome)
    elif status.in_stock:
        _activate(status, ActivationReason.CREATED_WITH_STOCK, today, outcome)
    else:
        _deactivate(status, today, outcome)
    return outcome


def on_inventory(status: ListingStatus, quantity: int, today: date) -> Outcome:
    outcome = Outcome()
    status.quantity = quantity
    if status.state == ListingState.ACTIVE and quantity == 0:
        _deactivate(status, today, outcome)
    elif status.state == ListingState.INACTIVE and quantity > 0:
        _activate(status, ActivationReason.RESTOCKED, today, outcome)
    elif status.state == ListingState.SUPPRESSED and quantity > 0:
        open_ids = ", ".join(sorted(status.violations))
        outcome.refusals.append(
            Refusal(
                topics.LISTING_ACTIVATED,
                status.state,
                f"restocked, but suppressed by {open_ids}: an approved reactivation is required first",
            )
        )
    return outcome


def on_violation(status: ListingStatus, violation: Violation, today: date) -> Outcome:
    """A new violation suppresses the listing; on a listing suppressed already it is a further suppression (a
    stricter one changes what buyers see): recorded, and emitted with every open issue. Each must be resolved."""
    outcome = Outcome()
    if violation.violation_id in status.violations:
        return outcome  # the same report again
    status.violations[violation.violation_id] = violation
    _suppress(status, violation, today, outcome)  # refused, but kept, on a deleted listing: a new version inherits it
    return outcome


def check_request(status: ListingStatus | None, violation_ids: list[str]) -> Refusal | None:
    """A reactivation request is accepted only for a suppressed listing and violations open on it."""
    if status is None:
        return Refusal(topics.LISTING_REACTIVATED, None, "no such listing in the catalog")
    if status.state != ListingState.SUPPRESSED:
        return Refusal(
            topics.LISTING_REACTIVATED,
            status.state,
            f"the listing is {status.state.value}, not suppressed: there is nothing to reactivate",
        )
    unknown = sorted(set(violation_ids) - set(status.violations))
    if unknown:
        return Refusal(topics.LISTING_REACTIVATED, status.state, f"no open violation {', '.join(unknown)}")
    return None


def on_approval(
    status: ListingStatus, request_id: str, violation_ids: list[str], fix: str, decided_by: str, today: date
) -> Outcome:
    """An approved request resolves its violations; the listing is reactivated once none is left open."""
    outcome = Outcome()
    refusal = check_request(status, violation_ids)
    if refusal is not None:
        outcome.refusals.append(refusal)
        return outcome
    resolving = violation_ids or sorted(status.violations)
    for violation_id in resolving:
        status.violations.pop(violation_id, None)
    outcome.resolved = list(resolving)
    if status.violations:
        outcome.refusals.append(
            Refusal(
                topics.LISTING_REACTIVATED,
                status.state,
                f"resolved {', '.join(resolving)}, but still suppressed by {', '.join(sorted(status.violations))}",
            )
        )
        remaining = _strictest(status, today)
        assert remaining is not None
        _suppress(status, remaining, today, outcome)  # what suppresses it now, with the issues left
        return outcome
    if _move(status, topics.LISTING_REACTIVATED, outcome):
        payload = ListingReactivated(
            **_ref(status, today),
            request_id=request_id,
            violation_ids=resolving,
            root_cause_fix=fix,
            decided_by=decided_by,
        )
        _emit(status, outcome, Emit(topics.LISTING_REACTIVATED, payload))
        if not status.in_stock:
            _deactivate(status, today, outcome)
    return outcome


def on_deletion(status: ListingStatus, requested_by: str, reason: str, today: date) -> Outcome:
    """The seller closes the listing: deleted (not buyable, not discoverable); deleting it again is refused. Its
    open violations stay recorded: a later version of the listing inherits them."""
    outcome = Outcome()
    if status.state == ListingState.DELETED:
        outcome.refusals.append(Refusal(topics.LISTING_DELETED, status.state, "the listing is deleted already"))
        return outcome
    if _move(status, topics.LISTING_DELETED, outcome):
        payload = ListingDeleted(**_ref(status, today), requested_by=requested_by, reason=reason)
        _emit(status, outcome, Emit(topics.LISTING_DELETED, payload))
    return outcome
