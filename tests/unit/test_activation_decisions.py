"""Activation decisions (DESIGN §1 and §4 "Activation"): stock, policy suppression, reactivation and deletion,
pure; and what a subscriber is told of the listing's status (BUYABLE / DISCOVERABLE / DELETED).

The ``on_*`` functions are the aggregate's methods: they mutate the given ``ListingStatus`` and return an
``Outcome``. The handler then sets ``status.sequence`` from each emitted payload; ``_handled`` below does
the same when a test chains calls.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from asinflow_activation.domain.decisions import (
    Emit,
    Outcome,
    Refusal,
    check_request,
    on_approval,
    on_created,
    on_deletion,
    on_inventory,
    on_violation,
)
from asinflow_activation.domain.enforcement import open_issues
from asinflow_activation.domain.status import SEVERITY, ListingStatus, Violation
from asinflow_contracts import topics
from asinflow_contracts.events import (
    ActivationReason,
    DeactivationReason,
    Enforcement,
    ListingActivated,
    ListingCreated,
    ListingDeactivated,
    ListingDeleted,
    ListingReactivated,
    ListingSuppressed,
    Scope,
    StatusFlag,
    ViolationKind,
)
from asinflow_contracts.ids import listing_id
from asinflow_contracts.issues import ExemptionStatus, IssueCode, Severity
from asinflow_contracts.state_machine import ListingState, next_state
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.unit

TODAY = date(2026, 11, 23)
ASIN = "B0ABCDEF12"
SELLER = "S-1001"
SKU = "HP-BLK-01"


# --- helpers -------------------------------------------------------------------------------------------


def _created_event(quantity: int | None, proposal_id: uuid.UUID | None = None) -> ListingCreated:
    return ListingCreated(
        listing_id=listing_id(SELLER, SKU),
        seller_id=SELLER,
        sku=SKU,
        proposal_id=proposal_id or uuid.uuid4(),
        asin=ASIN,
        new_asin=False,
        quantity=quantity,
    )


def _new_status(created: ListingCreated, sequence: int = 0) -> ListingStatus:
    """What the handler builds for a listing it has not seen yet (stock taken from the proposal)."""
    return ListingStatus(
        listing_id=created.listing_id,
        seller_id=created.seller_id,
        sku=created.sku,
        proposal_id=created.proposal_id,
        asin=created.asin,
        state=ListingState.CREATED,
        quantity=created.quantity,
        sequence=sequence,
    )


def _handled(status: ListingStatus, outcome: Outcome) -> Outcome:
    """Do what the handler does after a decision: remember the sequence of each emitted event."""
    for emit in outcome.emits:
        status.sequence = emit.payload.sequence
    return outcome


def _violation(
    violation_id: str = "V-1",
    enforcement: Enforcement = Enforcement.LISTING_SUPPRESSED,
    *,
    kind: ViolationKind = ViolationKind.COUNTERFEIT,
    scope: Scope = Scope.LISTING,
    exempt_until: date | None = None,
) -> Violation:
    return Violation(
        violation_id=violation_id,
        kind=kind,
        enforcement=enforcement,
        scope=scope,
        reporter="rights-owner@acme.example",
        evidence=("https://evidence.example/test-buy-1", "order 111-222"),
        exempt_until=exempt_until,
    )


def _listing(quantity: int | None, sequence: int = 0) -> ListingStatus:
    """A created listing after its creation was handled (active with stock, inactive without)."""
    created = _created_event(quantity)
    status = _new_status(created, sequence)
    _handled(status, on_created(status, created, [], TODAY))
    return status


def _suppressed(quantity: int, *violations: Violation) -> ListingStatus:
    status = _listing(quantity)
    for violation in violations:
        _handled(status, on_violation(status, violation, TODAY))
    assert status.state == ListingState.SUPPRESSED
    return status


def _only_emit(outcome: Outcome) -> Emit:
    assert outcome.refusals == []
    assert len(outcome.emits) == 1, outcome.emits
    return outcome.emits[0]


# --- creation ------------------------------------------------------------------------------------------


def test_created_with_stock_is_activated() -> None:
    created = _created_event(quantity=12)
    status = _new_status(created, sequence=7)

    emit = _only_emit(on_created(status, created, [], TODAY))

    assert emit.event_type == topics.LISTING_ACTIVATED
    assert isinstance(emit.payload, ListingActivated)
    assert emit.payload.reason == ActivationReason.CREATED_WITH_STOCK
    assert (emit.payload.buyable, emit.payload.discoverable) == (True, True)
    assert emit.payload.sequence == 8
    assert emit.payload.listing_id == created.listing_id
    assert emit.payload.proposal_id == created.proposal_id
    assert emit.payload.asin == ASIN
    assert emit.payload.quantity == 12
    assert status.state == ListingState.ACTIVE


@pytest.mark.parametrize("quantity", [0, None])
def test_created_without_stock_is_deactivated_out_of_stock(quantity: int | None) -> None:
    created = _created_event(quantity)
    status = _new_status(created, sequence=2)

    emit = _only_emit(on_created(status, created, [], TODAY))

    assert emit.event_type == topics.LISTING_DEACTIVATED
    assert isinstance(emit.payload, ListingDeactivated)
    assert emit.payload.reason == DeactivationReason.OUT_OF_STOCK
    assert (emit.payload.buyable, emit.payload.discoverable) == (False, False)
    assert emit.payload.sequence == 3
    assert status.state == ListingState.INACTIVE


def test_created_on_an_asin_with_an_open_removal_is_suppressed_at_asin_scope() -> None:
    created = _created_event(quantity=5)
    status = _new_status(created)
    removal = _violation("V-ASIN", Enforcement.CATALOG_ITEM_REMOVED, scope=Scope.ASIN)

    emit = _only_emit(on_created(status, created, [removal], TODAY))

    assert emit.event_type == topics.LISTING_SUPPRESSED
    assert isinstance(emit.payload, ListingSuppressed)
    assert emit.payload.scope == Scope.ASIN
    assert emit.payload.enforcement == Enforcement.CATALOG_ITEM_REMOVED
    assert emit.payload.violation_id == "V-ASIN"
    assert emit.payload.buyable is False
    assert emit.payload.discoverable is False
    assert status.state == ListingState.SUPPRESSED
    assert set(status.violations) == {"V-ASIN"}


def test_a_new_version_of_a_suppressed_listing_is_suppressed_again() -> None:
    status = _suppressed(4, _violation("V-1"))
    before = status.sequence
    again = _created_event(quantity=4, proposal_id=uuid.uuid4())

    emit = _only_emit(_handled(status, on_created(status, again, [], TODAY)))

    assert emit.event_type == topics.LISTING_SUPPRESSED
    assert isinstance(emit.payload, ListingSuppressed)
    assert emit.payload.violation_id == "V-1"
    assert emit.payload.proposal_id == again.proposal_id
    assert emit.payload.buyable is False
    assert emit.payload.sequence == before + 1
    assert status.state == ListingState.SUPPRESSED
    assert status.proposal_id == again.proposal_id


# --- stock ---------------------------------------------------------------------------------------------


def test_stock_out_makes_an_active_listing_inactive() -> None:
    status = _listing(quantity=3)
    before = status.sequence

    emit = _only_emit(on_inventory(status, 0, TODAY))

    assert emit.event_type == topics.LISTING_DEACTIVATED
    assert isinstance(emit.payload, ListingDeactivated)
    assert emit.payload.reason == DeactivationReason.OUT_OF_STOCK
    assert (emit.payload.buyable, emit.payload.discoverable) == (False, False)
    assert emit.payload.quantity == 0
    assert emit.payload.sequence == before + 1
    assert status.state == ListingState.INACTIVE


def test_restock_makes_an_inactive_listing_active() -> None:
    status = _listing(quantity=0)
    before = status.sequence

    emit = _only_emit(on_inventory(status, 9, TODAY))

    assert emit.event_type == topics.LISTING_ACTIVATED
    assert isinstance(emit.payload, ListingActivated)
    assert emit.payload.reason == ActivationReason.RESTOCKED
    assert (emit.payload.buyable, emit.payload.discoverable) == (True, True)
    assert emit.payload.quantity == 9
    assert emit.payload.sequence == before + 1
    assert status.state == ListingState.ACTIVE


def test_restock_does_not_lift_a_suppression() -> None:
    status = _suppressed(0, _violation("V-1"))

    outcome = on_inventory(status, 9, TODAY)

    assert outcome.emits == []
    assert len(outcome.refusals) == 1
    refusal = outcome.refusals[0]
    assert refusal.attempted == topics.LISTING_ACTIVATED
    assert refusal.state == ListingState.SUPPRESSED
    assert "reactivation" in refusal.reason
    assert "V-1" in refusal.reason
    assert status.state == ListingState.SUPPRESSED
    assert status.quantity == 9  # the stock is still recorded


@pytest.mark.parametrize(
    ("start", "quantity", "state"),
    [
        (5, 7, ListingState.ACTIVE),  # more stock on an active listing
        (0, 0, ListingState.INACTIVE),  # still out of stock
        (None, 0, ListingState.INACTIVE),
    ],
)
def test_stock_that_does_not_change_the_state_emits_nothing(
    start: int | None, quantity: int, state: ListingState
) -> None:
    status = _listing(quantity=start)
    assert status.state == state

    outcome = on_inventory(status, quantity, TODAY)

    assert outcome == Outcome()
    assert status.state == state
    assert status.quantity == quantity


def test_stock_out_on_a_suppressed_listing_emits_nothing() -> None:
    status = _suppressed(4, _violation("V-1"))

    assert on_inventory(status, 0, TODAY) == Outcome()
    assert status.state == ListingState.SUPPRESSED


# --- policy violations ---------------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [6, 0], ids=["active", "inactive"])
def test_a_violation_suppresses_the_listing_with_its_details(quantity: int) -> None:
    status = _listing(quantity)
    before = status.sequence
    exempt_until = TODAY - timedelta(days=1)
    violation = _violation(
        "V-7", Enforcement.LISTING_SUPPRESSED, kind=ViolationKind.IP_COMPLAINT, exempt_until=exempt_until
    )

    emit = _only_emit(on_violation(status, violation, TODAY))

    assert emit.event_type == topics.LISTING_SUPPRESSED
    payload = emit.payload
    assert isinstance(payload, ListingSuppressed)
    assert payload.reason == ViolationKind.IP_COMPLAINT
    assert payload.enforcement == Enforcement.LISTING_SUPPRESSED
    assert payload.scope == Scope.LISTING
    assert payload.violation_id == "V-7"
    assert payload.reporter == "rights-owner@acme.example"
    assert payload.evidence == ["https://evidence.example/test-buy-1", "order 111-222"]
    assert payload.exempt_until == exempt_until
    assert (payload.buyable, payload.discoverable) == (False, False)
    assert payload.sequence == before + 1
    assert status.state == ListingState.SUPPRESSED
    assert status.violations == {"V-7": violation}


def test_the_same_violation_reported_twice_is_applied_once() -> None:
    status = _listing(quantity=2)
    violation = _violation("V-1")
    _only_emit(_handled(status, on_violation(status, violation, TODAY)))

    assert on_violation(status, violation, TODAY) == Outcome()
    assert status.violations == {"V-1": violation}
    assert status.state == ListingState.SUPPRESSED


def test_a_suppression_carries_the_100_strictest_issues_when_more_violations_are_open() -> None:
    weak = [_violation(f"V-S{i:03}", Enforcement.SEARCH_SUPPRESSED) for i in range(100)]
    status = _suppressed(2, *weak)
    emit = _only_emit(on_violation(status, _violation("V-Z", Enforcement.CATALOG_ITEM_REMOVED), TODAY))
    payload = emit.payload
    assert isinstance(payload, ListingSuppressed)
    assert len(status.violations) == 101 and len(payload.issues) == 100
    first, *rest = payload.issues
    assert first.enforcements is not None and first.enforcements.actions == (Enforcement.CATALOG_ITEM_REMOVED,)
    assert "V-S099" not in " ".join(i.message for i in rest)  # the last of the weakest is left out
    assert "V-S098" in rest[-1].message


def test_a_second_violation_on_a_suppressed_listing_is_a_further_suppression_with_every_open_issue() -> None:
    status = _suppressed(2, _violation("V-1"))
    before = status.sequence
    second = _violation("V-2", Enforcement.SEARCH_SUPPRESSED, kind=ViolationKind.REVIEW_MANIPULATION)

    emit = _only_emit(on_violation(status, second, TODAY))

    assert emit.event_type == topics.LISTING_SUPPRESSED
    payload = emit.payload
    assert isinstance(payload, ListingSuppressed)
    assert (payload.violation_id, payload.reason, payload.enforcement) == (
        "V-2",
        ViolationKind.REVIEW_MANIPULATION,
        Enforcement.SEARCH_SUPPRESSED,
    )
    assert (payload.buyable, payload.discoverable) == (False, False)  # V-1 still takes the listing down
    assert [(i.code, i.enforcements.actions if i.enforcements else ()) for i in payload.issues] == [
        (IssueCode.COUNTERFEIT, (Enforcement.LISTING_SUPPRESSED,)),  # strictest first
        (IssueCode.REVIEW_MANIPULATION, (Enforcement.SEARCH_SUPPRESSED,)),
    ]
    assert payload.sequence == before + 1
    assert set(status.violations) == {"V-1", "V-2"}
    assert status.violations["V-2"] == second
    assert status.state == ListingState.SUPPRESSED
    assert next_state(ListingState.SUPPRESSED, emit.event_type) == ListingState.SUPPRESSED


def test_a_stricter_second_enforcement_takes_the_search_suppressed_offer_down() -> None:
    status = _suppressed(2, _violation("V-S", Enforcement.SEARCH_SUPPRESSED))
    assert status.visibility(TODAY) == (True, False)
    assert status.status_flags(TODAY) == (StatusFlag.BUYABLE,)

    emit = _only_emit(on_violation(status, _violation("V-L", Enforcement.LISTING_SUPPRESSED), TODAY))

    assert isinstance(emit.payload, ListingSuppressed)
    assert (emit.payload.enforcement, emit.payload.buyable, emit.payload.discoverable) == (
        Enforcement.LISTING_SUPPRESSED,
        False,
        False,
    )
    assert [i.code for i in emit.payload.issues] == [IssueCode.COUNTERFEIT, IssueCode.COUNTERFEIT]
    assert status.status_flags(TODAY) == ()


def test_a_suppression_carries_one_policy_issue_per_open_violation() -> None:
    exempt_until = TODAY + timedelta(days=10)
    status = _suppressed(
        3,
        _violation("V-1", Enforcement.SEARCH_SUPPRESSED, kind=ViolationKind.IP_COMPLAINT, exempt_until=exempt_until),
    )

    [issue] = open_issues(status, TODAY)

    assert (issue.code, issue.severity, issue.category, issue.categories) == (
        IssueCode.IP_COMPLAINT,
        Severity.ERROR,
        "POLICY",
        ("POLICY",),
    )
    assert issue.enforcements is not None
    assert issue.enforcements.actions == (Enforcement.SEARCH_SUPPRESSED,)
    assert (issue.enforcements.exemption.status, issue.enforcements.exemption.until) == (
        ExemptionStatus.EXEMPT_UNTIL_EXPIRY_DATE,
        exempt_until,
    )
    assert "V-1" in issue.message and "V-1" in issue.remedy and "reactivat" in issue.remedy
    [later] = open_issues(status, exempt_until)
    assert later.enforcements is not None and later.enforcements.exemption.status == ExemptionStatus.NOT_EXEMPT


# --- reactivation requests -----------------------------------------------------------------------------


def test_a_request_for_an_unknown_listing_is_refused() -> None:
    refusal = check_request(None, [])

    assert isinstance(refusal, Refusal)
    assert refusal.attempted == topics.LISTING_REACTIVATED
    assert refusal.state is None
    assert "no such listing" in refusal.reason


@pytest.mark.parametrize("quantity", [3, 0], ids=["active", "inactive"])
def test_a_request_for_a_listing_that_is_not_suppressed_is_refused(quantity: int) -> None:
    status = _listing(quantity)

    refusal = check_request(status, [])

    assert refusal is not None
    assert refusal.attempted == topics.LISTING_REACTIVATED
    assert refusal.state == status.state
    assert "not suppressed" in refusal.reason


def test_a_request_citing_an_unknown_violation_is_refused() -> None:
    status = _suppressed(3, _violation("V-1"))

    refusal = check_request(status, ["V-1", "V-9"])

    assert refusal is not None
    assert refusal.attempted == topics.LISTING_REACTIVATED
    assert refusal.state == ListingState.SUPPRESSED
    assert "no open violation" in refusal.reason
    assert "V-9" in refusal.reason
    assert "V-1" not in refusal.reason


@pytest.mark.parametrize("cited", [["V-1"], []], ids=["cites-it", "cites-none-means-all"])
def test_a_request_for_an_open_violation_is_accepted(cited: list[str]) -> None:
    assert check_request(_suppressed(3, _violation("V-1")), cited) is None


# --- approvals -----------------------------------------------------------------------------------------


def test_approval_resolving_every_violation_reactivates_a_listing_with_stock() -> None:
    status = _suppressed(4, _violation("V-1"), _violation("V-2", Enforcement.SEARCH_SUPPRESSED))
    before = status.sequence

    outcome = on_approval(status, "R-1", [], "Replaced supplier; invoices attached", "op-7", TODAY)

    emit = _only_emit(outcome)
    assert emit.event_type == topics.LISTING_REACTIVATED
    payload = emit.payload
    assert isinstance(payload, ListingReactivated)
    assert payload.request_id == "R-1"
    assert payload.violation_ids == ["V-1", "V-2"]
    assert payload.root_cause_fix == "Replaced supplier; invoices attached"
    assert payload.decided_by == "op-7"
    assert (payload.buyable, payload.discoverable) == (True, True)
    assert payload.sequence == before + 1
    assert sorted(outcome.resolved) == ["V-1", "V-2"]
    assert status.violations == {}
    assert status.state == ListingState.ACTIVE


def test_approval_without_stock_reactivates_then_deactivates() -> None:
    status = _suppressed(0, _violation("V-1"))
    before = status.sequence

    outcome = _handled(status, on_approval(status, "R-1", ["V-1"], "Authorisation letter", "op-7", TODAY))

    assert outcome.refusals == []
    assert [e.event_type for e in outcome.emits] == [topics.LISTING_REACTIVATED, topics.LISTING_DEACTIVATED]
    reactivated, deactivated = (e.payload for e in outcome.emits)
    assert isinstance(reactivated, ListingReactivated)
    assert reactivated.violation_ids == ["V-1"]
    assert isinstance(deactivated, ListingDeactivated)
    assert deactivated.reason == DeactivationReason.OUT_OF_STOCK
    assert (deactivated.buyable, deactivated.discoverable) == (False, False)
    assert reactivated.sequence == before + 1
    assert outcome.resolved == ["V-1"]
    assert status.state == ListingState.INACTIVE


def test_approval_without_stock_numbers_its_two_events_in_order() -> None:
    status = _suppressed(0, _violation("V-1"))
    before = status.sequence

    outcome = _handled(status, on_approval(status, "R-1", ["V-1"], "Authorisation letter", "op-7", TODAY))

    assert [e.payload.sequence for e in outcome.emits] == [before + 1, before + 2]
    assert status.sequence == before + 2


def test_approval_of_one_of_two_violations_keeps_the_listing_suppressed() -> None:
    status = _suppressed(5, _violation("V-1"), _violation("V-2", Enforcement.SEARCH_SUPPRESSED))

    outcome = on_approval(status, "R-1", ["V-1"], "Removed the infringing logo", "op-7", TODAY)

    emit = _only_emit(Outcome(emits=outcome.emits))  # what suppresses it now, with the issues left
    assert isinstance(emit.payload, ListingSuppressed)
    assert (emit.payload.violation_id, emit.payload.enforcement) == ("V-2", Enforcement.SEARCH_SUPPRESSED)
    assert (emit.payload.buyable, emit.payload.discoverable) == (True, False)
    assert [i.code for i in emit.payload.issues] == [IssueCode.COUNTERFEIT]
    assert outcome.resolved == ["V-1"]
    assert len(outcome.refusals) == 1
    refusal = outcome.refusals[0]
    assert refusal.attempted == topics.LISTING_REACTIVATED
    assert refusal.state == ListingState.SUPPRESSED
    assert "still suppressed by V-2" in refusal.reason
    assert set(status.violations) == {"V-2"}
    assert status.state == ListingState.SUPPRESSED


def test_approval_for_an_active_listing_is_refused() -> None:
    status = _listing(quantity=5)

    outcome = on_approval(status, "R-1", [], "Nothing to fix here at all", "op-7", TODAY)

    assert outcome.emits == []
    assert outcome.resolved == []
    assert len(outcome.refusals) == 1
    assert outcome.refusals[0].attempted == topics.LISTING_REACTIVATED
    assert outcome.refusals[0].state == ListingState.ACTIVE
    assert status.state == ListingState.ACTIVE


# --- deletion ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [3, 0], ids=["active", "inactive"])
def test_deleting_a_listing_makes_it_neither_buyable_nor_discoverable(quantity: int) -> None:
    status = _listing(quantity)
    before = status.sequence

    emit = _only_emit(on_deletion(status, "S-1001", "discontinued", TODAY))

    assert emit.event_type == topics.LISTING_DELETED
    payload = emit.payload
    assert isinstance(payload, ListingDeleted)
    assert (payload.requested_by, payload.reason, payload.asin) == ("S-1001", "discontinued", ASIN)
    assert (payload.buyable, payload.discoverable) == (False, False)
    assert payload.sequence == before + 1
    assert status.state == ListingState.DELETED
    assert status.status_flags(TODAY) == (StatusFlag.DELETED,)


def test_a_suppressed_listing_can_be_deleted_and_keeps_its_violations_for_a_later_version() -> None:
    status = _suppressed(3, _violation("V-1"))

    _handled(status, on_deletion(status, "S-1001", "", TODAY))

    assert status.state == ListingState.DELETED
    assert set(status.violations) == {"V-1"}
    again = _created_event(quantity=3, proposal_id=uuid.uuid4())
    emit = _only_emit(on_created(status, again, [], TODAY))
    assert emit.event_type == topics.LISTING_SUPPRESSED  # a new version inherits the open violation


def test_deleting_a_deleted_listing_is_refused() -> None:
    status = _listing(2)
    _handled(status, on_deletion(status, "S-1001", "", TODAY))

    outcome = on_deletion(status, "S-1001", "again", TODAY)

    assert outcome.emits == []
    [refusal] = outcome.refusals
    assert (refusal.attempted, refusal.state) == (topics.LISTING_DELETED, ListingState.DELETED)
    assert "deleted already" in refusal.reason


def test_a_deleted_listing_is_not_restocked_suppressed_or_reactivated() -> None:
    status = _listing(0)
    _handled(status, on_deletion(status, "S-1001", "", TODAY))

    assert on_inventory(status, 5, TODAY).emits == []
    suppressed = on_violation(status, _violation("V-1"), TODAY)
    assert suppressed.emits == [] and suppressed.refusals[0].attempted == topics.LISTING_SUPPRESSED
    assert check_request(status, []) is not None
    assert status.state == ListingState.DELETED


# --- visibility ----------------------------------------------------------------------------------------


def _suppressed_with(quantity: int, *violations: Violation) -> ListingStatus:
    return ListingStatus(
        listing_id=uuid.uuid4(),
        seller_id=SELLER,
        sku=SKU,
        proposal_id=uuid.uuid4(),
        asin=ASIN,
        state=ListingState.SUPPRESSED,
        quantity=quantity,
        violations={v.violation_id: v for v in violations},
    )


@pytest.mark.parametrize("quantity", [3, 0])
def test_search_suppression_keeps_the_offer_buyable_but_not_discoverable(quantity: int) -> None:
    status = _suppressed_with(quantity, _violation("V-1", Enforcement.SEARCH_SUPPRESSED))

    assert status.visibility(TODAY) == (quantity > 0, False)


@pytest.mark.parametrize("enforcement", [Enforcement.LISTING_SUPPRESSED, Enforcement.CATALOG_ITEM_REMOVED])
def test_listing_suppression_and_removal_hide_the_offer(enforcement: Enforcement) -> None:
    assert _suppressed_with(3, _violation("V-1", enforcement)).visibility(TODAY) == (False, False)


def test_an_exempted_violation_does_not_apply_until_its_date() -> None:
    tomorrow = TODAY + timedelta(days=1)
    status = _suppressed_with(3, _violation("V-1", Enforcement.CATALOG_ITEM_REMOVED, exempt_until=tomorrow))

    assert status.strictest(TODAY) is None
    assert status.visibility(TODAY) == (True, True)
    assert status.visibility(tomorrow) == (False, False)  # applies on its date


@pytest.mark.parametrize("days_ago", [0, 1, 365])
def test_an_exemption_that_ran_out_applies(days_ago: int) -> None:
    exempt_until = TODAY - timedelta(days=days_ago)
    violation = _violation("V-1", Enforcement.LISTING_SUPPRESSED, exempt_until=exempt_until)

    assert violation.applies_on(TODAY)
    assert _suppressed_with(3, violation).visibility(TODAY) == (False, False)


def test_the_strictest_applying_enforcement_wins() -> None:
    search = _violation("V-S", Enforcement.SEARCH_SUPPRESSED)
    listing = _violation("V-L", Enforcement.LISTING_SUPPRESSED)
    removal = _violation("V-R", Enforcement.CATALOG_ITEM_REMOVED, scope=Scope.ASIN)

    assert _suppressed_with(3, search, listing).strictest(TODAY) == listing
    assert _suppressed_with(3, search, listing).visibility(TODAY) == (False, False)
    assert _suppressed_with(3, listing, removal, search).strictest(TODAY) == removal


def test_an_exempted_stricter_violation_leaves_the_weaker_one_deciding() -> None:
    search = _violation("V-S", Enforcement.SEARCH_SUPPRESSED)
    removal = _violation("V-R", Enforcement.CATALOG_ITEM_REMOVED, exempt_until=TODAY + timedelta(days=30))
    status = _suppressed_with(3, search, removal)

    assert status.strictest(TODAY) == search
    assert status.visibility(TODAY) == (True, False)


def test_severity_ranks_every_enforcement() -> None:
    assert set(SEVERITY) == set(Enforcement)
    assert (
        SEVERITY[Enforcement.SEARCH_SUPPRESSED]
        < SEVERITY[Enforcement.LISTING_SUPPRESSED]
        < SEVERITY[Enforcement.CATALOG_ITEM_REMOVED]
    )


@pytest.mark.parametrize(
    ("state", "quantity", "expected"),
    [
        (ListingState.ACTIVE, 4, (True, True)),
        (ListingState.INACTIVE, 0, (False, False)),
        (ListingState.CREATED, 4, (False, False)),
    ],
)
def test_visibility_outside_suppression(state: ListingState, quantity: int, expected: tuple[bool, bool]) -> None:
    status = ListingStatus(uuid.uuid4(), SELLER, SKU, uuid.uuid4(), ASIN, state, quantity)

    assert status.visibility(TODAY) == expected


B, D = StatusFlag.BUYABLE, StatusFlag.DISCOVERABLE


@pytest.mark.parametrize(
    ("state", "quantity", "violations", "flags"),
    [
        (ListingState.CREATED, 4, (), None),  # not decided yet: nothing to tell
        (ListingState.ACTIVE, 4, (), (B, D)),
        (ListingState.INACTIVE, 0, (), ()),
        (ListingState.SUPPRESSED, 4, ("LISTING_SUPPRESSED",), ()),
        (ListingState.SUPPRESSED, 4, ("SEARCH_SUPPRESSED",), (B,)),
        (ListingState.SUPPRESSED, 0, ("SEARCH_SUPPRESSED",), ()),  # out of stock: not buyable either
        (ListingState.SUPPRESSED, 4, ("CATALOG_ITEM_REMOVED",), ()),
        (ListingState.DELETED, 4, (), (StatusFlag.DELETED,)),
    ],
)
def test_the_status_a_subscriber_is_told(
    state: ListingState, quantity: int, violations: tuple[str, ...], flags: tuple[StatusFlag, ...] | None
) -> None:
    status = _suppressed_with(quantity, *(_violation(f"V-{e}", Enforcement(e)) for e in violations))
    status.state = state

    assert status.status_flags(TODAY) == flags


# --- any sequence of events ----------------------------------------------------------------------------

_violations = st.builds(
    _violation,
    violation_id=st.sampled_from(["V-1", "V-2", "V-3"]),
    enforcement=st.sampled_from(list(Enforcement)),
    kind=st.sampled_from(list(ViolationKind)),
    scope=st.sampled_from(list(Scope)),
    exempt_until=st.none() | st.integers(-3, 3).map(lambda d: TODAY + timedelta(days=d)),
)
_steps = st.one_of(
    st.tuples(st.just("stock"), st.integers(0, 3)),
    st.tuples(st.just("violation"), _violations),
    st.tuples(st.just("approve-all"), st.none()),
    st.tuples(st.just("re-create"), st.none()),
    st.tuples(st.just("delete"), st.none()),
)


def _check(status: ListingStatus, before: ListingState, outcome: Outcome, sequence_before: int) -> None:
    state = before
    for emit in outcome.emits:
        state = next_state(state, emit.event_type)  # raises IllegalTransition if the emit is illegal here
        assert emit.payload.sequence > sequence_before
    assert state == status.state
    for refusal in outcome.refusals:
        assert refusal.attempted in topics.LISTING_LIFECYCLE_TOPICS
    assert status.state not in (ListingState.CREATED, ListingState.PROPOSED, ListingState.VALIDATED)
    if status.state == ListingState.DELETED:  # its violations stay recorded for a later version
        assert status.visibility(TODAY) == (False, False)
        return
    assert (status.state == ListingState.SUPPRESSED) == bool(status.violations)
    suppressions = [e.payload for e in outcome.emits if isinstance(e.payload, ListingSuppressed)]
    if status.state == ListingState.SUPPRESSED and suppressions:  # the last one names every open violation
        assert len(suppressions[-1].issues) == len(status.violations)
    assert not (status.state == ListingState.ACTIVE and status.strictest(TODAY) is not None)
    if status.state == ListingState.ACTIVE:
        assert status.in_stock
    if status.state == ListingState.INACTIVE:
        assert not status.in_stock


@settings(max_examples=300, deadline=None)
@given(initial=st.none() | st.integers(0, 3), steps=st.lists(_steps, max_size=25))
def test_any_sequence_of_events_keeps_the_lifecycle_consistent(
    initial: int | None, steps: list[tuple[str, object]]
) -> None:
    created = _created_event(initial)
    status = _new_status(created)
    _check(status, ListingState.CREATED, _handled(status, on_created(status, created, [], TODAY)), 0)

    for kind, arg in steps:
        before, sequence_before = status.state, status.sequence
        if kind == "stock":
            assert isinstance(arg, int)
            outcome = on_inventory(status, arg, TODAY)
        elif kind == "violation":
            assert isinstance(arg, Violation)
            outcome = on_violation(status, arg, TODAY)
        elif kind == "approve-all":
            outcome = on_approval(status, "R-1", [], "Fixed the root cause", "op-7", TODAY)
        elif kind == "delete":
            outcome = on_deletion(status, SELLER, "closing it", TODAY)
        else:  # a new version of the listing (the handler keeps the known stock)
            again = _created_event(status.quantity, proposal_id=uuid.uuid4())
            outcome = on_created(status, again, [], TODAY)
            before = ListingState.CREATED
        _check(status, before, _handled(status, outcome), sequence_before)
