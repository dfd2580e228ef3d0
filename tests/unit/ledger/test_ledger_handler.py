"""The lifecycle ledger's handler on its in-memory store (no PostgreSQL): every transition of the state
machine, events parked until their cause comes (in this batch or a later one) and released in causal order,
illegal transitions recorded, new versions, orphans, and the state changes it emits."""

from __future__ import annotations

import json
import uuid

import pytest
from asinflow_contracts import topics
from asinflow_contracts.events import ListingStateChanged
from asinflow_contracts.ids import caused_event_id
from asinflow_contracts.state_machine import TRANSITIONS, ListingState
from asinflow_lifecycle_ledger.adapters.memory import InMemoryLedgerStore
from asinflow_lifecycle_ledger.handlers import LedgerHandler
from asinflow_runtime.intake import receive
from asinflow_runtime.messages import Outgoing, Unreadable

from tests.unit.ledger.listing_events import ASIN, Record, Version

pytestmark = pytest.mark.unit

S = ListingState
#: A path from a new proposal to each state (each step caused by the one before).
PATH_TO: dict[ListingState, tuple[str, ...]] = {
    S.PROPOSED: (),
    S.VALIDATED: (topics.LISTING_VALIDATED,),
    S.THROTTLED: (topics.LISTING_VALIDATED, topics.LISTING_THROTTLED),
    S.CREATED: (topics.LISTING_VALIDATED, topics.LISTING_CREATED),
    S.ACTIVE: (topics.LISTING_VALIDATED, topics.LISTING_CREATED, topics.LISTING_ACTIVATED),
    S.INACTIVE: (topics.LISTING_VALIDATED, topics.LISTING_CREATED, topics.LISTING_DEACTIVATED),
    S.SUPPRESSED: (topics.LISTING_VALIDATED, topics.LISTING_CREATED, topics.LISTING_SUPPRESSED),
    S.REJECTED: (topics.LISTING_REJECTED,),
}
HAPPY = (
    topics.LISTING_VALIDATED,
    topics.LISTING_UNMATCHED,
    topics.LISTING_BRAND_CLEARED,
    topics.LISTING_QUOTA_GRANTED,
    topics.LISTING_CREATED,
    topics.LISTING_ACTIVATED,
)

HAPPY_CHANGES = [(None, "proposed"), ("proposed", "validated"), ("validated", "created"), ("created", "active")]


class Ledger:
    def __init__(self, orphan_after_s: float = 600.0) -> None:
        self.store = InMemoryLedgerStore()
        self.handler = LedgerHandler(orphan_after_s=orphan_after_s)

    async def send(self, *records: Record) -> list[Outgoing]:
        return await self.handler.handle(self.store, [self.handler.parse(receive(r)) for r in records])

    def state(self, version: Version) -> ListingState | None:
        for v in self.store.versions_of.get(version.listing_id, {}).values():
            if v.proposal_id == version.proposal_id:
                return v.state
        return None

    def history(self, version: Version) -> list[tuple[str, str | None, str | None, bool]]:
        return [
            (h.event_type, h.from_state, h.to_state, h.legal)
            for h in self.store.history
            if h.listing_id == version.listing_id
        ]

    def applied(self, version: Version) -> list[uuid.UUID]:
        return [h.event_id for h in self.store.history if h.listing_id == version.listing_id]


def version(sku: str = "SKU-1", **fields: object) -> Version:
    return Version(f"S-{uuid.uuid4().hex[:8]}", sku, **fields)


def state_changes(out: list[Outgoing]) -> list[Outgoing]:
    return [e for e in out if e.topic == topics.LISTING_STATE_CHANGED]


def changes(out: list[Outgoing]) -> list[tuple[str | None, str]]:
    parsed = [ListingStateChanged.model_validate_json(e.body()) for e in state_changes(out)]
    return [(c.from_state, c.to_state) for c in parsed]


# --- transitions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "event_type", "after"),
    [(state, event_type, after) for (state, event_type), after in TRANSITIONS.items()],
    ids=[f"{state}-{event_type.split('.')[2]}" for state, event_type in TRANSITIONS],
)
async def test_every_legal_transition_is_applied(before: ListingState, event_type: str, after: ListingState) -> None:
    ledger = Ledger()
    v = version()
    chain = v.chain(*PATH_TO[before])
    await ledger.send(*chain)
    assert ledger.state(v) is before

    event = v.then(event_type, chain[-1])
    out = state_changes(await ledger.send(event))

    assert ledger.state(v) is after
    assert ledger.history(v)[-1] == (event_type, before, after, True)
    if after != before:
        [change] = out
        assert changes(out) == [(before, after)]
        body = ListingStateChanged.model_validate_json(change.body())
        assert (body.event_id, body.event_type, body.version, body.sku) == (event.event_id, event_type, 1, v.sku)
        assert change.key == str(v.listing_id)
        assert change.envelope.id == caused_event_id(event.event_id, topics.LISTING_STATE_CHANGED)
        assert (change.envelope.causation_id, change.envelope.causation_type) == (event.event_id, event_type)
    else:
        assert out == []  # a step inside validated (or a further suppression) is history, not a state change


async def test_the_happy_path_in_one_batch_ends_active_with_its_asin() -> None:
    ledger = Ledger()
    v = version()
    out = await ledger.send(*v.chain(*HAPPY))
    assert ledger.state(v) is S.ACTIVE
    assert changes(out) == HAPPY_CHANGES
    [kept] = ledger.store.versions_of[v.listing_id].values()
    assert (kept.asin, kept.batch_id, kept.version, kept.issues) == (ASIN, "feed-1", 1, [])


async def test_rejection_keeps_the_issues_and_throttle_and_release_manage_the_8571_warning() -> None:
    ledger = Ledger()
    v = version()
    chain = v.chain(topics.LISTING_VALIDATED, topics.LISTING_THROTTLED)
    await ledger.send(*chain)
    [kept] = ledger.store.versions_of[v.listing_id].values()
    assert [i["code"] for i in kept.issues] == ["CREATION_LIMIT_REACHED"]
    await ledger.send(v.then(topics.LISTING_QUOTA_GRANTED, chain[-1]))
    [kept] = ledger.store.versions_of[v.listing_id].values()
    assert (kept.state, kept.issues) == (S.VALIDATED, [])

    rejected = version("SKU-R")
    await ledger.send(*rejected.chain(topics.LISTING_REJECTED))
    [kept] = ledger.store.versions_of[rejected.listing_id].values()
    assert [i["code"] for i in kept.issues] == ["IDENTIFIER_INVALID_CHECKSUM"]


# --- illegal transitions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "event_type"),
    [
        (S.VALIDATED, topics.LISTING_ACTIVATED),
        (S.ACTIVE, topics.LISTING_REACTIVATED),
        (S.SUPPRESSED, topics.LISTING_ACTIVATED),
        (S.REJECTED, topics.LISTING_VALIDATED),
        (S.THROTTLED, topics.LISTING_CREATED),
    ],
)
async def test_an_illegal_transition_is_recorded_and_the_state_stays(before: ListingState, event_type: str) -> None:
    ledger = Ledger()
    v = version()
    chain = v.chain(*PATH_TO[before])
    await ledger.send(*chain)
    bad = v.then(event_type, chain[-1])
    assert await ledger.send(bad) == []
    assert ledger.state(v) is before
    entry = ledger.store.history[-1]
    assert (entry.event_id, entry.legal, entry.from_state, entry.to_state) == (bad.event_id, False, before, None)
    assert entry.error and event_type in entry.error
    assert not ledger.store.parked


# --- causal order ---------------------------------------------------------------------------------------


async def test_a_chain_delivered_backwards_in_one_batch_is_applied_in_causal_order() -> None:
    ledger = Ledger()
    v = version()
    chain = v.chain(*HAPPY)
    out = await ledger.send(*reversed(chain))
    assert ledger.applied(v) == [r.event_id for r in chain]
    assert ledger.state(v) is S.ACTIVE
    assert len(out) == 4
    assert not ledger.store.parked


async def test_events_parked_in_earlier_batches_are_released_in_causal_order_by_their_cause() -> None:
    ledger = Ledger()
    v = version()
    chain = v.chain(*HAPPY)
    for record in reversed(chain[1:]):  # one batch each, backwards: every one waits
        assert await ledger.send(record) == []
    assert len(ledger.store.parked) == len(HAPPY)
    assert ledger.store.history == []

    out = await ledger.send(chain[0])  # the proposal releases the whole chain
    assert ledger.applied(v) == [r.event_id for r in chain]
    assert ledger.state(v) is S.ACTIVE
    assert changes(out) == HAPPY_CHANGES
    assert not ledger.store.parked


async def test_a_parked_event_is_applied_right_after_its_cause_before_the_rest_of_the_batch() -> None:
    ledger = Ledger()
    v = version()
    proposed, validated, created = v.chain(topics.LISTING_VALIDATED, topics.LISTING_CREATED)
    activated = v.then(topics.LISTING_ACTIVATED, created)
    await ledger.send(proposed, validated)
    await ledger.send(activated)  # waits for created
    suppressed = v.then(topics.LISTING_SUPPRESSED, None)  # caused by a policy report, not a listing event
    await ledger.send(created, suppressed)
    assert ledger.history(v)[-3:] == [
        (topics.LISTING_CREATED, S.VALIDATED, S.CREATED, True),
        (topics.LISTING_ACTIVATED, S.CREATED, S.ACTIVE, True),
        (topics.LISTING_SUPPRESSED, S.ACTIVE, S.SUPPRESSED, True),
    ]


async def test_an_event_released_that_waits_for_something_else_is_parked_again() -> None:
    ledger = Ledger()
    v = version()
    proposed, validated, matched = v.chain(topics.LISTING_VALIDATED, topics.LISTING_MATCHED)
    await ledger.send(matched)  # its cause (validated) is not applied: waits for it
    await ledger.send(validated)  # validated waits for the proposal
    assert {p.parked.waiting_for for p in ledger.store.parked.values()} == {validated.event_id, v.proposal_id}
    await ledger.send(proposed)
    assert ledger.applied(v) == [proposed.event_id, validated.event_id, matched.event_id]
    assert not ledger.store.parked


async def test_an_event_whose_proposal_the_ledger_has_not_seen_waits_for_it() -> None:
    ledger = Ledger()
    v = version()
    validated = v.then(topics.LISTING_VALIDATED, None)  # no listing cause: waits for its proposal (version)
    await ledger.send(validated)
    [row] = ledger.store.parked.values()
    assert row.parked.waiting_for == v.proposal_id
    await ledger.send(v.proposed)
    assert ledger.state(v) is S.VALIDATED


async def test_listings_are_locked_together_with_those_of_the_events_they_release() -> None:
    ledger = Ledger()
    a, b = version("A"), version("B")
    await ledger.send(*a.chain(topics.LISTING_VALIDATED))
    assert ledger.store.locked == [sorted([a.listing_id])]
    await ledger.send(b.proposed, a.proposed)  # a's proposal again: nothing new
    assert ledger.store.locked[-1] == sorted([a.listing_id, b.listing_id])
    assert ledger.state(a) is S.VALIDATED and ledger.state(b) is S.PROPOSED
    assert len(ledger.store.versions_of[a.listing_id]) == 1


# --- versions -------------------------------------------------------------------------------------------


async def test_a_new_proposal_starts_version_2_and_late_events_of_version_1_stay_on_it() -> None:
    ledger = Ledger()
    first = version("SKU-V", batch_id="feed-1")
    proposed, validated = first.chain(topics.LISTING_VALIDATED)
    await ledger.send(proposed, validated)
    second = Version(first.seller_id, first.sku, batch_id="feed-2")
    out = await ledger.send(second.proposed)
    assert changes(out) == [(None, "proposed")]
    assert ListingStateChanged.model_validate_json(out[0].body()).version == 2
    await ledger.send(first.then(topics.LISTING_CREATED, validated))
    versions = ledger.store.versions_of[first.listing_id]
    assert [(n, v.state, v.batch_id) for n, v in sorted(versions.items())] == [
        (1, S.CREATED, "feed-1"),
        (2, S.PROPOSED, "feed-2"),
    ]


async def test_a_proposal_seen_again_in_a_later_batch_starts_no_version() -> None:
    ledger = Ledger()
    v = version()
    await ledger.send(v.proposed)
    assert await ledger.send(v.proposed) == []
    assert len(ledger.store.versions_of[v.listing_id]) == 1
    assert len(ledger.store.history) == 1


async def test_a_proposal_that_names_its_listing_is_recorded_even_when_it_breaks_the_schema() -> None:
    ledger = Ledger()
    v = version(title="")  # identifier validation rejects it SCHEMA_INVALID; the ledger keeps the version
    await ledger.send(v.proposed)
    assert ledger.state(v) is S.PROPOSED


def test_a_proposal_that_names_no_listing_is_unreadable() -> None:
    record = Record(topics.LISTING_PROPOSED, json.dumps({"title": "no seller"}).encode())
    with pytest.raises(Unreadable) as caught:
        LedgerHandler().parse(receive(record))
    assert caught.value.reason == "unparseable_proposal"


# --- orphans --------------------------------------------------------------------------------------------


async def test_an_orphan_is_marked_once_and_still_applies_when_its_cause_comes() -> None:
    ledger = Ledger(orphan_after_s=0)
    v = version()
    validated = v.then(topics.LISTING_VALIDATED, v.proposed)
    await ledger.send(validated)
    assert await ledger.handler.mark_orphans(ledger.store) == []
    [row] = ledger.store.parked.values()
    assert row.orphaned_at is not None and row.parked.event.event_id == validated.event_id
    first_mark = row.orphaned_at
    await ledger.handler.mark_orphans(ledger.store)
    assert next(iter(ledger.store.parked.values())).orphaned_at == first_mark  # marked once

    await ledger.send(v.proposed)
    assert ledger.state(v) is S.VALIDATED
    assert not ledger.store.parked


async def test_a_fresh_parked_event_is_not_an_orphan() -> None:
    ledger = Ledger(orphan_after_s=600)
    v = version()
    await ledger.send(v.then(topics.LISTING_VALIDATED, v.proposed))
    await ledger.handler.mark_orphans(ledger.store)
    assert all(row.orphaned_at is None for row in ledger.store.parked.values())
