"""The listing lifecycle state machine, checked exhaustively against DESIGN §1.

The expected table below is written out by hand from the diagram and bullets of DESIGN §1; it is
deliberately NOT derived from ``state_machine.TRANSITIONS``.
"""

from __future__ import annotations

import itertools

import pytest
from asinflow_contracts import topics
from asinflow_contracts.state_machine import (
    IllegalTransition,
    ListingState,
    is_legal,
    next_state,
    starts_new_version,
)

pytestmark = pytest.mark.unit

UNKNOWN_EVENT = "asinflow.listing.teleported.v1"

PROPOSED = "asinflow.listing.proposed.v1"
VALIDATED = "asinflow.listing.validated.v1"
REJECTED = "asinflow.listing.rejected.v1"
MATCHED = "asinflow.listing.matched.v1"
UNMATCHED = "asinflow.listing.unmatched.v1"
BRAND_CLEARED = "asinflow.listing.brand-cleared.v1"
QUOTA_GRANTED = "asinflow.listing.quota-granted.v1"
THROTTLED = "asinflow.listing.throttled.v1"
CREATED = "asinflow.listing.created.v1"
ACTIVATED = "asinflow.listing.activated.v1"
DEACTIVATED = "asinflow.listing.deactivated.v1"
SUPPRESSED = "asinflow.listing.suppressed.v1"
REACTIVATED = "asinflow.listing.reactivated.v1"
DELETED = "asinflow.listing.deleted.v1"
STATE_CHANGED = "asinflow.listing.state-changed.v1"
STATUS_CHANGED = "asinflow.listing.status-changed.v1"
ISSUES_CHANGED = "asinflow.listing.issues-changed.v1"
DELETION_REQUESTED = "asinflow.listing.deletion-requested.v1"

#: Listing topics that are not lifecycle events: the ledger's own output, the notifications, and the request that
#: activation turns into listing.deleted. None of them moves a listing.
NOT_LIFECYCLE = [STATE_CHANGED, STATUS_CHANGED, ISSUES_CHANGED, DELETION_REQUESTED]

ALL_STATES: list[ListingState | None] = [None, *ListingState]
ALL_EVENTS: list[str] = [*topics.LISTING_LIFECYCLE_TOPICS, *NOT_LIFECYCLE, UNKNOWN_EVENT]

# The state names of DESIGN §1 (the test's own spelling, checked against the enum below).
P, V, T, C = "proposed", "validated", "throttled", "created"
A, IN, S, R, D = "active", "inactive", "suppressed", "rejected", "deleted"

#: (state, event) -> next state, for every legal pair except listing.proposed (legal from anywhere).
EXPECTED_TRANSITIONS: dict[tuple[str, str], str] = {
    # proposed → validated | rejected
    (P, VALIDATED): V,
    (P, REJECTED): R,
    # validated: the steps inside validated keep it there; throttled is a sub-state
    (V, MATCHED): V,
    (V, UNMATCHED): V,
    (V, BRAND_CLEARED): V,
    (V, QUOTA_GRANTED): V,
    (V, THROTTLED): T,
    (V, REJECTED): R,
    (V, CREATED): C,
    # throttled: capacity returns, or the listing is rejected (e.g. creation rights withdrawn)
    (T, QUOTA_GRANTED): V,
    (T, REJECTED): R,
    # created → active | inactive | suppressed
    (C, ACTIVATED): A,
    (C, DEACTIVATED): IN,
    (C, SUPPRESSED): S,
    # active ⇄ inactive, both → suppressed
    (A, DEACTIVATED): IN,
    (A, SUPPRESSED): S,
    (IN, ACTIVATED): A,
    (IN, SUPPRESSED): S,
    # suppressed leaves only through an approved reactivation; a further violation suppresses it again
    (S, REACTIVATED): A,
    (S, SUPPRESSED): S,
    # deleted: the seller closes the listing, from any state after proposed (a rejected version has ended)
    (V, DELETED): D,
    (T, DELETED): D,
    (C, DELETED): D,
    (A, DELETED): D,
    (IN, DELETED): D,
    (S, DELETED): D,
    # rejected and deleted: terminal for this proposal, nothing listed
}


def expected(state: ListingState | None, event: str) -> str | None:
    """The expected next state (as text), or None when the pair is illegal."""
    if event == PROPOSED:
        return P  # a new proposal starts a new version, from any state and before any
    if state is None:
        return None
    return EXPECTED_TRANSITIONS.get((state.value, event))


ALL_PAIRS = list(itertools.product(ALL_STATES, ALL_EVENTS))
LEGAL_PAIRS = [(s, e) for s, e in ALL_PAIRS if expected(s, e) is not None]
ILLEGAL_PAIRS = [(s, e) for s, e in ALL_PAIRS if expected(s, e) is None]


def _id(pair: tuple[ListingState | None, str]) -> str:
    state, event = pair
    return f"{state.value if state else 'None'}--{event.removeprefix('asinflow.').removesuffix('.v1')}"


def test_the_test_spells_topics_and_states_like_the_code() -> None:
    assert [*topics.LISTING_LIFECYCLE_TOPICS] == [
        PROPOSED,
        VALIDATED,
        REJECTED,
        MATCHED,
        UNMATCHED,
        BRAND_CLEARED,
        QUOTA_GRANTED,
        THROTTLED,
        CREATED,
        ACTIVATED,
        DEACTIVATED,
        SUPPRESSED,
        REACTIVATED,
        DELETED,
    ]
    assert topics.LISTING_STATE_CHANGED == STATE_CHANGED
    assert (topics.LISTING_STATUS_CHANGED, topics.LISTING_ISSUES_CHANGED) == (STATUS_CHANGED, ISSUES_CHANGED)
    assert topics.LISTING_DELETION_REQUESTED == DELETION_REQUESTED
    assert {s.value for s in ListingState} == {P, V, T, C, A, IN, S, R, D}
    assert UNKNOWN_EVENT not in topics.ALL_TOPICS


def test_pair_counts() -> None:
    assert len(ALL_STATES) == 10
    assert len(ALL_EVENTS) == 19
    assert len(ALL_PAIRS) == 190
    # 10 "proposed from anywhere" + proposed 2 + validated 8 + throttled 3 + created 4 + active 3 + inactive 3
    # + suppressed 3 + rejected 0 + deleted 0
    assert len(LEGAL_PAIRS) == 36
    assert len(ILLEGAL_PAIRS) == 154
    assert sum(is_legal(s, e) for s, e in ALL_PAIRS) == 36


@pytest.mark.parametrize("pair", LEGAL_PAIRS, ids=_id)
def test_legal_pair(pair: tuple[ListingState | None, str]) -> None:
    state, event = pair
    result = next_state(state, event)
    assert isinstance(result, ListingState)
    assert result.value == expected(state, event)
    assert is_legal(state, event) is True


@pytest.mark.parametrize("pair", ILLEGAL_PAIRS, ids=_id)
def test_illegal_pair(pair: tuple[ListingState | None, str]) -> None:
    state, event = pair
    with pytest.raises(IllegalTransition) as info:
        next_state(state, event)
    assert info.value.state is state
    assert info.value.event_type == event
    assert event in str(info.value)
    assert is_legal(state, event) is False


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (ListingState.ACTIVE, REACTIVATED),  # reactivating an active listing
        (ListingState.SUPPRESSED, ACTIVATED),  # activating a suppressed listing (needs reactivation)
        (ListingState.SUPPRESSED, DEACTIVATED),
        (ListingState.ACTIVE, ACTIVATED),
        (ListingState.INACTIVE, DEACTIVATED),
        (ListingState.INACTIVE, REACTIVATED),
        (ListingState.PROPOSED, CREATED),  # skipping validation
        (ListingState.PROPOSED, MATCHED),
        (ListingState.THROTTLED, CREATED),  # a throttled listing waits for quota
        (ListingState.THROTTLED, THROTTLED),
        (ListingState.CREATED, REJECTED),
        (ListingState.ACTIVE, REJECTED),
        (ListingState.REJECTED, VALIDATED),  # rejected is terminal for its proposal
        (ListingState.REJECTED, REACTIVATED),
        (ListingState.VALIDATED, VALIDATED),
        (ListingState.ACTIVE, STATE_CHANGED),  # the ledger's own output is not a lifecycle event
        (ListingState.ACTIVE, STATUS_CHANGED),  # nor are the notifications
        (ListingState.SUPPRESSED, ISSUES_CHANGED),
        (ListingState.ACTIVE, DELETION_REQUESTED),  # a request: activation decides, listing.deleted moves it
        (None, VALIDATED),
        (None, DELETED),
        (ListingState.PROPOSED, DELETED),  # deleted only after proposed
        (ListingState.REJECTED, DELETED),  # a rejected version has ended already
        (ListingState.DELETED, DELETED),  # deleting twice
        (ListingState.DELETED, ACTIVATED),  # a deleted listing comes back only as a new proposal
        (ListingState.DELETED, REACTIVATED),
    ],
)
def test_named_illegal_transitions(state: ListingState | None, event: str) -> None:
    assert not is_legal(state, event)
    with pytest.raises(IllegalTransition):
        next_state(state, event)


def test_rejected_is_terminal_except_for_a_new_proposal() -> None:
    allowed = [e for e in ALL_EVENTS if is_legal(ListingState.REJECTED, e)]
    assert allowed == [PROPOSED]


def test_deleted_is_terminal_except_for_a_new_proposal() -> None:
    allowed = [e for e in ALL_EVENTS if is_legal(ListingState.DELETED, e)]
    assert allowed == [PROPOSED]


def test_suppressed_leaves_only_through_reactivation_deletion_or_a_new_proposal() -> None:
    allowed = {e: next_state(ListingState.SUPPRESSED, e) for e in ALL_EVENTS if is_legal(ListingState.SUPPRESSED, e)}
    assert allowed == {
        REACTIVATED: ListingState.ACTIVE,
        DELETED: ListingState.DELETED,
        PROPOSED: ListingState.PROPOSED,
        SUPPRESSED: ListingState.SUPPRESSED,  # a further violation: it stays suppressed
    }


@pytest.mark.parametrize("state", [s for s in ListingState if s not in (ListingState.PROPOSED, ListingState.REJECTED)])
def test_a_listing_is_deleted_from_every_state_after_proposed_but_an_ended_one(state: ListingState) -> None:
    expected_after = None if state is ListingState.DELETED else ListingState.DELETED
    assert (next_state(state, DELETED) if is_legal(state, DELETED) else None) is expected_after


@pytest.mark.parametrize("state", ALL_STATES, ids=lambda s: s.value if s else "None")
def test_a_proposal_starts_a_new_version_from_any_state(state: ListingState | None) -> None:
    assert next_state(state, PROPOSED) is ListingState.PROPOSED
    assert starts_new_version(PROPOSED)


@pytest.mark.parametrize("event", [e for e in ALL_EVENTS if e != PROPOSED])
def test_only_a_proposal_starts_a_new_version(event: str) -> None:
    assert not starts_new_version(event)


def test_illegal_transition_message_names_the_state_and_the_event() -> None:
    with pytest.raises(IllegalTransition) as info:
        next_state(ListingState.ACTIVE, REACTIVATED)
    exc = info.value
    assert isinstance(exc, ValueError)
    assert exc.state is ListingState.ACTIVE
    assert exc.event_type == REACTIVATED
    assert str(exc) == "asinflow.listing.reactivated.v1 is not allowed in state 'active'"


def test_illegal_transition_before_any_proposal() -> None:
    with pytest.raises(IllegalTransition) as info:
        next_state(None, ACTIVATED)
    assert info.value.state is None
    assert info.value.event_type == ACTIVATED
    assert str(info.value) == "asinflow.listing.activated.v1 is not allowed before the listing was proposed"


def test_unknown_event_type_is_illegal_everywhere_but_not_an_error_of_another_kind() -> None:
    for state in ALL_STATES:
        with pytest.raises(IllegalTransition):
            next_state(state, UNKNOWN_EVENT)
        with pytest.raises(IllegalTransition):
            next_state(state, "")
