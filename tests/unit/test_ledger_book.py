"""The lifecycle ledger's pure domain: applying listing events to listing versions (DESIGN §1, §3)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from asinflow_contracts import topics
from asinflow_contracts.events import ListingStateChanged
from asinflow_contracts.ids import listing_id
from asinflow_contracts.state_machine import ListingState
from asinflow_lifecycle_ledger.domain.book import Book, LedgerEvent, ListingVersion
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.unit

SELLER = "S-1001"
T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def new_book() -> Book:
    return Book(versions={}, applied=set())


def proposal(
    sku: str = "HP-BLK-01", *, seller: str = SELLER, batch_id: str | None = "feed-1", at: datetime = T0
) -> LedgerEvent:
    event_id = uuid.uuid4()
    return LedgerEvent(
        event_id=event_id,
        event_type=topics.LISTING_PROPOSED,
        listing_id=listing_id(seller, sku),
        seller_id=seller,
        sku=sku,
        proposal_id=event_id,  # a proposal's proposal_id is its own event id
        at=at,
        payload={},
        batch_id=batch_id,
    )


def caused(
    cause: LedgerEvent, event_type: str, payload: dict[str, Any] | None = None, *, at: datetime | None = None
) -> LedgerEvent:
    """An event of ``event_type`` about the same listing version, caused by ``cause``."""
    return LedgerEvent(
        event_id=uuid.uuid4(),
        event_type=event_type,
        listing_id=cause.listing_id,
        seller_id=cause.seller_id,
        sku=cause.sku,
        proposal_id=cause.proposal_id,
        at=at or cause.at + timedelta(seconds=1),
        payload=payload or {},
        causation_id=cause.event_id,
        causation_type=cause.event_type,
        batch_id=cause.batch_id,
    )


def only_version(book: Book, event: LedgerEvent) -> ListingVersion:
    versions = book.versions[event.listing_id]
    assert len(versions) == 1
    return versions[0]


def history_ids(book: Book) -> list[uuid.UUID]:
    return [h.event_id for h in book.history]


# --- proposals --------------------------------------------------------------------------------------


def test_a_proposal_creates_version_1_in_proposed() -> None:
    book = new_book()
    p = proposal()
    book.apply(p)

    version = only_version(book, p)
    assert version.version == 1
    assert version.state is ListingState.PROPOSED
    assert version.proposal_id == p.event_id
    assert version.listing_id == listing_id(SELLER, "HP-BLK-01")
    assert (version.seller_id, version.sku, version.batch_id) == (SELLER, "HP-BLK-01", "feed-1")
    assert version.updated_at == T0
    assert version.dirty
    assert p.event_id in book.applied

    [entry] = book.history
    assert (entry.event_id, entry.event_type, entry.version) == (p.event_id, topics.LISTING_PROPOSED, 1)
    assert (entry.from_state, entry.to_state, entry.legal, entry.error) == (None, ListingState.PROPOSED, True, None)
    assert book.changed == [(version, entry)]
    assert book.parked == []


def test_validated_moves_the_version_to_validated_and_is_recorded() -> None:
    book = new_book()
    p = proposal()
    v = caused(p, topics.LISTING_VALIDATED)
    book.apply(p)
    book.apply(v)

    version = only_version(book, p)
    assert version.state is ListingState.VALIDATED
    assert version.updated_at == v.at
    assert history_ids(book) == [p.event_id, v.event_id]
    entry = book.history[-1]
    assert (entry.from_state, entry.to_state, entry.legal, entry.version) == (
        ListingState.PROPOSED,
        ListingState.VALIDATED,
        True,
        1,
    )
    assert [e.event_id for _, e in book.changed] == [p.event_id, v.event_id]
    assert book.changed[-1][0] is version


def test_a_step_inside_validated_is_history_but_not_a_change() -> None:
    book = new_book()
    p = proposal()
    v = caused(p, topics.LISTING_VALIDATED)
    m = caused(v, topics.LISTING_MATCHED)
    for e in (p, v, m):
        book.apply(e)
    assert only_version(book, p).state is ListingState.VALIDATED
    entry = book.history[-1]
    assert (entry.event_id, entry.legal, entry.from_state, entry.to_state) == (
        m.event_id,
        True,
        ListingState.VALIDATED,
        ListingState.VALIDATED,
    )
    assert m.event_id not in [e.event_id for _, e in book.changed]


def test_the_full_happy_path_records_the_asin() -> None:
    book = new_book()
    p = proposal()
    v = caused(p, topics.LISTING_VALIDATED)
    m = caused(v, topics.LISTING_MATCHED)
    q = caused(m, topics.LISTING_QUOTA_GRANTED)
    c = caused(q, topics.LISTING_CREATED, {"asin": "B0TEST0001"})
    a = caused(c, topics.LISTING_ACTIVATED)
    for e in (p, v, m, q, c, a):
        book.apply(e)
    version = only_version(book, p)
    assert version.state is ListingState.ACTIVE
    assert version.asin == "B0TEST0001"
    assert all(h.legal for h in book.history)
    assert [e.to_state for _, e in book.changed] == [
        ListingState.PROPOSED,
        ListingState.VALIDATED,
        ListingState.CREATED,
        ListingState.ACTIVE,
    ]


# --- out of order -----------------------------------------------------------------------------------


def test_validated_before_its_proposal_is_parked_then_applied_with_it() -> None:
    book = new_book()
    p = proposal()
    v = caused(p, topics.LISTING_VALIDATED)

    book.apply(v)
    assert [e.event_id for _, e in book.parked] == [v.event_id]
    assert book.parked[0][0] == p.event_id  # waiting for its cause
    assert book.history == []
    assert book.versions.get(p.listing_id, []) == []
    assert v.event_id not in book.applied

    book.apply(p)
    assert book.parked == []
    assert only_version(book, p).state is ListingState.VALIDATED
    assert history_ids(book) == [p.event_id, v.event_id]
    assert all(h.legal for h in book.history)
    assert {p.event_id, v.event_id} <= book.applied


def test_a_chain_delivered_backwards_is_released_link_by_link() -> None:
    book = new_book()
    p = proposal()
    v = caused(p, topics.LISTING_VALIDATED)
    u = caused(v, topics.LISTING_UNMATCHED)
    b = caused(u, topics.LISTING_BRAND_CLEARED)
    q = caused(b, topics.LISTING_QUOTA_GRANTED)
    c = caused(q, topics.LISTING_CREATED, {"asin": "B0NEW00001"})
    chain = [p, v, u, b, q, c]
    for e in reversed(chain):
        book.apply(e)
    assert book.parked == []
    assert history_ids(book) == [e.event_id for e in chain]
    version = only_version(book, p)
    assert version.state is ListingState.CREATED
    assert version.asin == "B0NEW00001"


def test_parked_event_whose_cause_is_in_a_later_book_stays_parked() -> None:
    p = proposal()
    v = caused(p, topics.LISTING_VALIDATED)
    # A batch holding only the validated event; the proposal has not been applied anywhere yet.
    book = new_book()
    book.apply(v)
    assert [(k, e.event_id) for k, e in book.parked] == [(p.event_id, v.event_id)]
    assert book.history == [] and book.changed == []
    assert book.waiting == {p.event_id: [v]}

    # A later batch with the proposal: its book knows nothing of the earlier one's parked event.
    later = new_book()
    later.apply(p)
    assert only_version(later, p).state is ListingState.PROPOSED
    # The earlier book's event is still parked; the store releases it with the later batch.
    assert [e.event_id for _, e in book.parked] == [v.event_id]
    assert v.event_id not in later.applied

    # Released after the later batch (as the store does), it applies.
    later.apply(v)
    assert later.parked == []
    assert only_version(later, p).state is ListingState.VALIDATED


def test_event_whose_version_exists_but_cause_is_not_applied_is_parked() -> None:
    """Created depends on quota-granted, not just on the proposal: it waits for its cause."""
    p = proposal()
    v = caused(p, topics.LISTING_VALIDATED)
    q = caused(v, topics.LISTING_QUOTA_GRANTED)
    c = caused(q, topics.LISTING_CREATED)
    # A new book loaded with the applied proposal and validated, but the quota-granted event is elsewhere.
    book = Book(
        versions={p.listing_id: [ListingVersion(p.listing_id, SELLER, p.sku, 1, p.event_id, ListingState.VALIDATED)]},
        applied={p.event_id, v.event_id},
    )
    book.apply(c)
    assert [(k, e.event_id) for k, e in book.parked] == [(q.event_id, c.event_id)]
    assert book.history == []
    assert book.versions[p.listing_id][0].state is ListingState.VALIDATED


def test_cause_that_is_not_a_listing_event_does_not_park() -> None:
    """An activation caused by an inventory event (not a listing topic) is applied at once."""
    book = new_book()
    p = proposal()
    v = caused(p, topics.LISTING_VALIDATED)
    c = caused(v, topics.LISTING_CREATED)
    for e in (p, v, c):
        book.apply(e)
    inventory_cause = uuid.uuid4()
    a = LedgerEvent(
        event_id=uuid.uuid4(),
        event_type=topics.LISTING_ACTIVATED,
        listing_id=p.listing_id,
        seller_id=SELLER,
        sku=p.sku,
        proposal_id=p.event_id,
        at=T0,
        payload={},
        causation_id=inventory_cause,
        causation_type="asinflow.inventory.changed.v1",
    )
    book.apply(a)
    assert book.parked == []
    assert only_version(book, p).state is ListingState.ACTIVE


# --- illegal transitions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "illegal", "stuck_in"),
    [
        ([topics.LISTING_VALIDATED], topics.LISTING_ACTIVATED, ListingState.VALIDATED),
        (
            [topics.LISTING_VALIDATED, topics.LISTING_CREATED, topics.LISTING_ACTIVATED],
            topics.LISTING_REACTIVATED,
            ListingState.ACTIVE,
        ),
        (
            [topics.LISTING_VALIDATED, topics.LISTING_CREATED, topics.LISTING_SUPPRESSED],
            topics.LISTING_ACTIVATED,
            ListingState.SUPPRESSED,
        ),
        ([topics.LISTING_REJECTED], topics.LISTING_VALIDATED, ListingState.REJECTED),
    ],
    ids=["activate-validated", "reactivate-active", "activate-suppressed", "validate-rejected"],
)
def test_illegal_transition_is_recorded_and_the_state_stays(
    path: list[str], illegal: str, stuck_in: ListingState
) -> None:
    book = new_book()
    p = proposal()
    book.apply(p)
    last = p
    for event_type in path:
        last = caused(last, event_type, {"issues": []} if event_type == topics.LISTING_REJECTED else None)
        book.apply(last)
    version = only_version(book, p)
    assert version.state is stuck_in
    changed_before = list(book.changed)
    updated_before = version.updated_at

    bad = caused(last, illegal, at=T0 + timedelta(hours=1))
    book.apply(bad)

    assert version.state is stuck_in
    assert version.updated_at == updated_before
    entry = book.history[-1]
    assert entry.event_id == bad.event_id
    assert entry.legal is False
    assert entry.from_state is stuck_in
    assert entry.to_state is None
    assert entry.error is not None
    assert illegal in entry.error and repr(stuck_in.value) in entry.error
    assert book.changed == changed_before
    assert bad.event_id not in [e.event_id for _, e in book.changed]
    assert book.parked == []
    assert bad.event_id in book.applied  # recorded once, not retried


# --- versions ---------------------------------------------------------------------------------------


def test_a_second_proposal_starts_version_2_and_keeps_version_1() -> None:
    book = new_book()
    p1 = proposal(batch_id="feed-1")
    r1 = caused(p1, topics.LISTING_REJECTED, {"issues": [{"code": "IDENTIFIER_INVALID_CHECKSUM"}]})
    p2 = proposal(batch_id="feed-2", at=T0 + timedelta(days=1))
    for e in (p1, r1, p2):
        book.apply(e)

    assert p1.listing_id == p2.listing_id
    v1, v2 = book.versions[p1.listing_id]
    assert (v1.version, v1.proposal_id, v1.state, v1.batch_id) == (1, p1.event_id, ListingState.REJECTED, "feed-1")
    assert (v2.version, v2.proposal_id, v2.state, v2.batch_id) == (2, p2.event_id, ListingState.PROPOSED, "feed-2")
    assert v1.issues == [{"code": "IDENTIFIER_INVALID_CHECKSUM"}]
    assert v2.issues == []
    assert [(h.version, h.event_id) for h in book.history] == [(1, p1.event_id), (1, r1.event_id), (2, p2.event_id)]
    assert book.history[-1].to_state is ListingState.PROPOSED
    assert book.changed[-1][0] is v2


def test_a_new_version_starts_from_no_state() -> None:
    book = new_book()
    p1 = proposal()
    r1 = caused(p1, topics.LISTING_REJECTED, {"issues": []})
    p2 = proposal(at=T0 + timedelta(days=1))
    for e in (p1, r1, p2):
        book.apply(e)
    doc = ListingStateChanged.model_fields["from_state"].description or ""
    assert "null for a new version" in doc
    entry = book.history[-1]
    assert (entry.version, entry.to_state) == (2, ListingState.PROPOSED)
    assert entry.from_state is None  # actually ListingState.REJECTED (version 1's state)


def test_event_for_version_1_after_version_2_started_applies_to_version_1_only() -> None:
    book = new_book()
    p1 = proposal()
    v1 = caused(p1, topics.LISTING_VALIDATED)
    p2 = proposal(at=T0 + timedelta(hours=1))
    c1 = caused(v1, topics.LISTING_CREATED, {"asin": "B0OLD00001"})
    for e in (p1, v1, p2, c1):
        book.apply(e)

    first, second = book.versions[p1.listing_id]
    assert first.state is ListingState.CREATED
    assert first.asin == "B0OLD00001"
    assert second.state is ListingState.PROPOSED
    assert second.asin is None
    entry = book.history[-1]
    assert (entry.event_id, entry.version, entry.legal) == (c1.event_id, 1, True)


def test_event_for_a_version_that_is_not_loaded_waits_for_its_proposal() -> None:
    """No cause given, but its proposal (version) is unknown to the book: parked on the proposal id."""
    book = new_book()
    p = proposal()
    orphan = LedgerEvent(
        event_id=uuid.uuid4(),
        event_type=topics.LISTING_VALIDATED,
        listing_id=p.listing_id,
        seller_id=SELLER,
        sku=p.sku,
        proposal_id=p.event_id,
        at=T0,
        payload={},
    )
    book.apply(orphan)
    assert [(k, e.event_id) for k, e in book.parked] == [(p.event_id, orphan.event_id)]
    book.apply(p)
    assert book.parked == []
    assert only_version(book, p).state is ListingState.VALIDATED


def test_rejected_stores_the_issues_of_the_payload() -> None:
    issues = [
        {
            "code": "IDENTIFIER_INVALID_CHECKSUM",
            "amazon_code": 8560,
            "severity": "ERROR",
            "attribute": "identifiers[0].value",
            "message": "check digit",
            "remedy": "copy it again",
        },
        {
            "code": "IDENTIFIER_CONFLICT",
            "amazon_code": 8560,
            "severity": "ERROR",
            "attribute": "identifiers",
            "message": "two products",
            "remedy": "keep one",
        },
    ]
    book = new_book()
    p = proposal()
    r = caused(p, topics.LISTING_REJECTED, {"issues": issues, "code": "IDENTIFIER_INVALID_CHECKSUM"})
    book.apply(p)
    book.apply(r)
    version = only_version(book, p)
    assert version.state is ListingState.REJECTED
    assert version.issues == issues
    assert version.issues is not issues  # a copy, not the event's list


def test_warnings_of_a_legal_event_are_added_to_the_issues() -> None:
    warning = {"code": "VARIATION_INVALID", "severity": "WARNING"}
    book = new_book()
    p = proposal()
    v = caused(p, topics.LISTING_VALIDATED, {"warnings": [warning]})
    book.apply(p)
    book.apply(v)
    assert only_version(book, p).issues == [warning]


def test_a_duplicate_proposal_creates_one_version() -> None:
    book = new_book()
    p = proposal()
    book.apply(p)
    book.apply(p)
    assert len(book.versions[p.listing_id]) == 1
    assert history_ids(book) == [p.event_id]
    assert len(book.changed) == 1


def test_a_duplicate_proposal_in_a_later_book_creates_no_new_version() -> None:
    p = proposal()
    first = new_book()
    first.apply(p)
    version = first.versions[p.listing_id][0]
    later = Book(versions={p.listing_id: [version]}, applied={p.event_id})
    later.apply(p)
    assert len(later.versions[p.listing_id]) == 1
    assert later.history == [] and later.changed == []


def test_listings_are_kept_apart() -> None:
    book = new_book()
    a, b = proposal("SKU-A"), proposal("SKU-B")
    va = caused(a, topics.LISTING_VALIDATED)
    rb = caused(b, topics.LISTING_REJECTED, {"issues": []})
    for e in (rb, va, b, a):
        book.apply(e)
    assert book.parked == []
    assert book.versions[a.listing_id][0].state is ListingState.VALIDATED
    assert book.versions[b.listing_id][0].state is ListingState.REJECTED


# --- property: delivery order does not matter for a causal chain ------------------------------------

#: From each state, the legal non-proposal events (DESIGN §1), written out for the generator.
_NEXT: dict[ListingState, list[tuple[str, ListingState]]] = {
    ListingState.PROPOSED: [
        (topics.LISTING_VALIDATED, ListingState.VALIDATED),
        (topics.LISTING_REJECTED, ListingState.REJECTED),
    ],
    ListingState.VALIDATED: [
        (topics.LISTING_MATCHED, ListingState.VALIDATED),
        (topics.LISTING_UNMATCHED, ListingState.VALIDATED),
        (topics.LISTING_BRAND_CLEARED, ListingState.VALIDATED),
        (topics.LISTING_QUOTA_GRANTED, ListingState.VALIDATED),
        (topics.LISTING_THROTTLED, ListingState.THROTTLED),
        (topics.LISTING_REJECTED, ListingState.REJECTED),
        (topics.LISTING_CREATED, ListingState.CREATED),
    ],
    ListingState.THROTTLED: [
        (topics.LISTING_QUOTA_GRANTED, ListingState.VALIDATED),
        (topics.LISTING_REJECTED, ListingState.REJECTED),
    ],
    ListingState.CREATED: [
        (topics.LISTING_ACTIVATED, ListingState.ACTIVE),
        (topics.LISTING_DEACTIVATED, ListingState.INACTIVE),
        (topics.LISTING_SUPPRESSED, ListingState.SUPPRESSED),
    ],
    ListingState.ACTIVE: [
        (topics.LISTING_DEACTIVATED, ListingState.INACTIVE),
        (topics.LISTING_SUPPRESSED, ListingState.SUPPRESSED),
    ],
    ListingState.INACTIVE: [
        (topics.LISTING_ACTIVATED, ListingState.ACTIVE),
        (topics.LISTING_SUPPRESSED, ListingState.SUPPRESSED),
    ],
    ListingState.SUPPRESSED: [(topics.LISTING_REACTIVATED, ListingState.ACTIVE)],
    ListingState.REJECTED: [],
}


@st.composite
def legal_chains(draw: st.DrawFn) -> tuple[list[LedgerEvent], ListingState]:
    """A proposal and a random legal path from it, each event caused by the previous one."""
    p = proposal(draw(st.sampled_from(["A-1", "B-2", "C-3"])))
    chain = [p]
    state = ListingState.PROPOSED
    for _ in range(draw(st.integers(0, 12))):
        options = _NEXT[state]
        if not options:
            break
        event_type, state = draw(st.sampled_from(options))
        payload: dict[str, Any] = {}
        if event_type == topics.LISTING_CREATED:
            payload = {"asin": "B0PROP0001"}
        elif event_type == topics.LISTING_REJECTED:
            payload = {"issues": [{"code": "CREATION_RIGHTS_WITHDRAWN"}]}
        chain.append(caused(chain[-1], event_type, payload))
    return chain, state


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_delivery_order_of_a_causal_chain_ends_in_the_in_order_state(data: st.DataObject) -> None:
    chain, expected_state = data.draw(legal_chains())
    delivered = data.draw(st.permutations(chain))

    in_order = new_book()
    for e in chain:
        in_order.apply(e)
    shuffled = new_book()
    for e in delivered:
        shuffled.apply(e)

    listing = chain[0].listing_id
    [ordered_version] = in_order.versions[listing]
    [shuffled_version] = shuffled.versions[listing]
    assert ordered_version.state is expected_state
    assert shuffled_version.state is expected_state
    assert (shuffled_version.asin, shuffled_version.issues) == (ordered_version.asin, ordered_version.issues)
    assert shuffled.parked == []
    assert shuffled.waiting == {}
    assert shuffled.applied == {e.event_id for e in chain}
    assert all(h.legal for h in shuffled.history)
    # Applied in causal order whatever the delivery order.
    assert [h.event_id for h in shuffled.history] == [e.event_id for e in chain]
    assert [h.event_id for _, h in shuffled.changed] == [h.event_id for _, h in in_order.changed]
