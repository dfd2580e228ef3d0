"""The activation handler on the in-memory store: creation, stock, suppression, reactivation, deletion, and the
status notifications subscribers get (no I/O)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from asinflow_activation.adapters.memory import InMemoryActivationStore
from asinflow_activation.handlers import ActivationHandler
from asinflow_contracts import topics
from asinflow_contracts.events import ListingDeleted, ListingDeletionRequested, ListingStatusChanged, ListingSuppressed
from asinflow_contracts.ids import caused_event_id, listing_id
from asinflow_contracts.state_machine import ListingState
from asinflow_runtime.messages import Outgoing
from pydantic import BaseModel

from tests.unit.activation.builders import TODAY, created, decision, incoming, request, stock, violation

pytestmark = pytest.mark.unit

S = "S-ACT-1"
LID = listing_id(S, "SKU-1")


async def handle_all(store: InMemoryActivationStore, *bodies: BaseModel, today: date = TODAY) -> list[Outgoing]:
    return await ActivationHandler(today=lambda: today).handle(store, [incoming(b) for b in bodies])


async def handle(store: InMemoryActivationStore, *bodies: BaseModel, today: date = TODAY) -> list[Outgoing]:
    """The lifecycle events the batch emits (its listing.status-changed notifications are tested below)."""
    return [e for e in await handle_all(store, *bodies, today=today) if e.topic != topics.LISTING_STATUS_CHANGED]


def statuses(events: list[Outgoing]) -> list[list[str]]:
    """The status sets of the batch's listing.status-changed notifications, in order."""
    return [list(e.payload.status) for e in events if isinstance(e.payload, ListingStatusChanged)]


def kinds(events: list[Outgoing]) -> list[tuple[str, str]]:
    return [(e.topic, str(getattr(e.payload, "reason", ""))) for e in events]


async def test_created_with_stock_is_activated() -> None:
    store = InMemoryActivationStore()

    events = await handle(store, c := created(S, "SKU-1", quantity=5))

    assert kinds(events) == [(topics.LISTING_ACTIVATED, "CREATED_WITH_STOCK")]
    [event] = events
    assert event.key == str(LID)
    assert event.envelope.causation_id is not None  # chained on the listing.created event
    payload = event.payload
    assert (payload.buyable, payload.discoverable, payload.quantity, payload.sequence) == (True, True, 5, 1)  # type: ignore[union-attr]
    status = (await store.statuses([LID]))[LID]
    assert (status.state, status.quantity, status.asin, status.proposal_id) == (
        ListingState.ACTIVE,
        5,
        c.asin,
        c.proposal_id,
    )
    assert status.last_event_id == event.envelope.id and status.sequence == 1


async def test_created_without_stock_is_deactivated() -> None:
    store = InMemoryActivationStore()

    events = await handle(store, created(S, "SKU-1", quantity=0))

    assert kinds(events) == [(topics.LISTING_DEACTIVATED, "OUT_OF_STOCK")]
    assert (await store.statuses([LID]))[LID].state == ListingState.INACTIVE


async def test_stock_that_came_before_the_creation_decides_it() -> None:
    store = InMemoryActivationStore()
    assert await handle(store, stock(S, "SKU-1", 0)) == []  # not created yet: only the stock is kept

    events = await handle(store, created(S, "SKU-1", quantity=5))

    assert kinds(events) == [(topics.LISTING_DEACTIVATED, "OUT_OF_STOCK")]
    assert await store.stock([LID]) == {LID: 0}


async def test_out_of_stock_then_restocked_in_one_batch() -> None:
    store = InMemoryActivationStore()
    await handle(store, created(S, "SKU-1"))

    events = await handle(store, stock(S, "SKU-1", 0), stock(S, "SKU-1", 3))

    assert kinds(events) == [(topics.LISTING_DEACTIVATED, "OUT_OF_STOCK"), (topics.LISTING_ACTIVATED, "RESTOCKED")]
    first, second = events
    assert second.envelope.causation_id == first.envelope.id  # each caused by the listing's previous event
    assert [e.payload.sequence for e in events] == [2, 3]  # type: ignore[union-attr]
    status = (await store.statuses([LID]))[LID]
    assert (status.state, status.quantity, status.sequence) == (ListingState.ACTIVE, 3, 3)


async def test_a_violation_suppresses_and_restocking_is_refused() -> None:
    store = InMemoryActivationStore()
    await handle(store, created(S, "SKU-1"))

    events = await handle(store, violation("V-1", S, "SKU-1"), stock(S, "SKU-1", 9))

    assert kinds(events) == [(topics.LISTING_SUPPRESSED, "COUNTERFEIT")]
    suppressed = events[0].payload
    assert isinstance(suppressed, ListingSuppressed)
    assert (suppressed.enforcement, suppressed.buyable, suppressed.violation_id) == ("LISTING_SUPPRESSED", False, "V-1")
    [refusal] = (await store.refusals([LID]))[LID]
    assert (refusal.attempted, refusal.state) == (topics.LISTING_ACTIVATED, "suppressed")
    assert "approved reactivation is required" in refusal.reason
    status = (await store.statuses([LID]))[LID]
    assert (status.state, list(status.violations), status.quantity) == (ListingState.SUPPRESSED, ["V-1"], 9)


async def test_the_same_report_again_changes_nothing() -> None:
    store = InMemoryActivationStore()
    await handle(store, created(S, "SKU-1"), violation("V-1", S, "SKU-1"))

    assert await handle(store, violation("V-1", S, "SKU-1")) == []


async def test_a_report_on_a_listing_not_created_is_refused() -> None:
    store = InMemoryActivationStore()

    assert await handle(store, violation("V-1", S, "SKU-1")) == []

    assert (await store.refusals([LID]))[LID][0].reason == "no such created listing"


async def test_an_approved_reactivation_reactivates_the_listing() -> None:
    store = InMemoryActivationStore()
    await handle(store, created(S, "SKU-1"), violation("V-1", S, "SKU-1"))

    events = await handle(store, request("R-1", S, "SKU-1"), decision("R-1", S, "SKU-1"))

    assert kinds(events) == [(topics.LISTING_REACTIVATED, "REACTIVATION_APPROVED")]
    assert events[0].payload.violation_ids == ["V-1"]  # type: ignore[union-attr]
    status = (await store.statuses([LID]))[LID]
    assert (status.state, status.violations) == (ListingState.ACTIVE, {})
    assert (await store.requests(["R-1"]))["R-1"].status == "APPROVED"


async def test_reactivation_without_stock_ends_inactive() -> None:
    store = InMemoryActivationStore()
    await handle(store, created(S, "SKU-1", quantity=0), violation("V-1", S, "SKU-1"))

    events = await handle(store, request("R-1", S, "SKU-1", "V-1"), decision("R-1", S, "SKU-1"))

    assert kinds(events) == [
        (topics.LISTING_REACTIVATED, "REACTIVATION_APPROVED"),
        (topics.LISTING_DEACTIVATED, "OUT_OF_STOCK"),
    ]
    assert (await store.statuses([LID]))[LID].state == ListingState.INACTIVE


async def test_a_rejected_request_leaves_the_listing_suppressed() -> None:
    store = InMemoryActivationStore()
    await handle(store, created(S, "SKU-1"), violation("V-1", S, "SKU-1"), request("R-1", S, "SKU-1"))

    assert await handle(store, decision("R-1", S, "SKU-1", approved=False)) == []

    assert (await store.requests(["R-1"]))["R-1"].status == "REJECTED"
    assert (await store.statuses([LID]))[LID].state == ListingState.SUPPRESSED
    assert await handle(store, decision("R-1", S, "SKU-1")) == []  # decided already: refused
    assert "request is REJECTED" in (await store.refusals([LID]))[LID][-1].reason


async def test_reactivating_an_active_listing_is_refused_and_recorded() -> None:
    store = InMemoryActivationStore()
    await handle(store, created(S, "SKU-1"))

    assert await handle(store, request("R-1", S, "SKU-1")) == []

    assert (await store.requests(["R-1"]))["R-1"].status == "REFUSED"
    [refusal] = (await store.refusals([LID]))[LID]
    assert refusal.state == "active" and "nothing to reactivate" in refusal.reason


async def test_an_asin_level_removal_suppresses_every_offer_and_later_ones() -> None:
    store = InMemoryActivationStore()
    await handle(store, created(S, "SKU-1", asin="B0SHARED01"), created("S-ACT-2", "SKU-9", asin="B0SHARED01"))

    events = await handle(store, violation("V-ASIN", asin="B0SHARED01"))

    assert kinds(events) == [(topics.LISTING_SUPPRESSED, "COUNTERFEIT")] * 2
    assert {e.payload.enforcement for e in events} == {"CATALOG_ITEM_REMOVED"}  # type: ignore[union-attr]
    later = await handle(store, created("S-ACT-3", "SKU-3", asin="B0SHARED01"))
    assert kinds(later) == [(topics.LISTING_SUPPRESSED, "COUNTERFEIT")]
    assert list((await store.open_asin_violations(["B0SHARED01"]))["B0SHARED01"][0].evidence) == [
        "test buy order 114-2291"
    ]


async def test_an_offer_created_earlier_in_the_batch_is_suppressed_by_an_asin_level_report() -> None:
    store = InMemoryActivationStore()

    events = await handle(store, created(S, "SKU-1", asin="B0SHARED01"), violation("V-ASIN", asin="B0SHARED01"))

    assert kinds(events) == [
        (topics.LISTING_ACTIVATED, "CREATED_WITH_STOCK"),
        (topics.LISTING_SUPPRESSED, "COUNTERFEIT"),
    ]
    assert (await store.statuses([LID]))[LID].violations.keys() == {"V-ASIN"}


async def test_an_asin_level_violation_closes_once_every_offer_is_reactivated() -> None:
    store = InMemoryActivationStore()
    await handle(store, created(S, "SKU-1", asin="B0SHARED01"))
    await handle(store, violation("V-ASIN", asin="B0SHARED01"))

    await handle(store, request("R-1", S, "SKU-1"), decision("R-1", S, "SKU-1"))

    assert await store.open_asin_violations(["B0SHARED01"]) == {}
    assert kinds(await handle(store, created("S-ACT-3", "SKU-3", asin="B0SHARED01"))) == [
        (topics.LISTING_ACTIVATED, "CREATED_WITH_STOCK")
    ]


async def test_an_enforcement_exemption_keeps_the_listing_buyable_until_its_date() -> None:
    store = InMemoryActivationStore()
    await handle(store, created(S, "SKU-1"))
    until = TODAY + timedelta(days=30)

    events = await handle(store, violation("V-1", S, "SKU-1", exempt_until=until.isoformat()))

    assert kinds(events) == [(topics.LISTING_SUPPRESSED, "COUNTERFEIT")]
    assert (events[0].payload.buyable, events[0].payload.discoverable) == (True, True)  # type: ignore[union-attr]


async def test_search_suppression_keeps_it_buyable_but_not_discoverable() -> None:
    store = InMemoryActivationStore()
    await handle(store, created(S, "SKU-1"))

    events = await handle(store, violation("V-1", S, "SKU-1", enforcement="SEARCH_SUPPRESSED"))

    assert (events[0].payload.buyable, events[0].payload.discoverable) == (True, False)  # type: ignore[union-attr]


async def test_a_new_version_of_a_suppressed_listing_stays_suppressed() -> None:
    store = InMemoryActivationStore()
    await handle(store, created(S, "SKU-1"), violation("V-1", S, "SKU-1"))

    events = await handle(store, created(S, "SKU-1"))

    assert kinds(events) == [(topics.LISTING_SUPPRESSED, "COUNTERFEIT")]
    assert (await store.statuses([LID]))[LID].sequence == 3


# --- deletion and status notifications ------------------------------------------------------------------


def deletion(seller: str, sku: str, reason: str = "discontinued") -> ListingDeletionRequested:
    return ListingDeletionRequested(seller_id=seller, sku=sku, requested_by=seller, reason=reason)


async def test_a_deletion_deletes_the_listing_and_a_second_one_is_refused() -> None:
    store = InMemoryActivationStore()
    await handle(store, created(S, "SKU-1"))

    events = await handle(store, deletion(S, "SKU-1"))

    [event] = events
    assert event.topic == topics.LISTING_DELETED and event.key == str(LID)
    assert isinstance(event.payload, ListingDeleted)
    assert (event.payload.buyable, event.payload.discoverable, event.payload.reason) == (False, False, "discontinued")
    status = (await store.statuses([LID]))[LID]
    assert status.state == ListingState.DELETED and status.last_event_id == event.envelope.id

    assert await handle_all(store, deletion(S, "SKU-1")) == []  # refused, recorded, nothing emitted
    [refusal] = (await store.refusals([LID]))[LID]
    assert (refusal.attempted, refusal.state, refusal.reason) == (
        topics.LISTING_DELETED,
        "deleted",
        "the listing is deleted already",
    )


async def test_deleting_a_listing_that_is_not_in_the_catalog_is_refused_and_recorded() -> None:
    store = InMemoryActivationStore()

    assert await handle_all(store, deletion(S, "SKU-1")) == []

    [refusal] = (await store.refusals([LID]))[LID]
    assert (refusal.attempted, refusal.state) == (topics.LISTING_DELETED, None)
    assert "no such listing" in refusal.reason


async def test_a_listing_proposed_again_after_its_deletion_is_live_again() -> None:
    store = InMemoryActivationStore()
    await handle(store, created(S, "SKU-1"), deletion(S, "SKU-1"))

    events = await handle_all(store, created(S, "SKU-1"))

    assert kinds([e for e in events if e.topic != topics.LISTING_STATUS_CHANGED]) == [
        (topics.LISTING_ACTIVATED, "CREATED_WITH_STOCK")
    ]
    assert statuses(events) == [["BUYABLE", "DISCOVERABLE"]]


async def test_status_notifications_follow_what_buyers_see_in_order() -> None:
    store = InMemoryActivationStore()
    steps: list[BaseModel] = [
        created(S, "SKU-1", quantity=5),
        stock(S, "SKU-1", 0),
        stock(S, "SKU-1", 3),
        violation("V-1", S, "SKU-1", enforcement="SEARCH_SUPPRESSED"),
        violation("V-2", S, "SKU-1", enforcement="LISTING_SUPPRESSED"),
        request("R-1", S, "SKU-1"),
        decision("R-1", S, "SKU-1"),
        stock(S, "SKU-1", 7),  # more stock on an active listing: nothing changes for buyers
        deletion(S, "SKU-1"),
    ]
    items = [incoming(b) for b in steps]

    events = await ActivationHandler(today=lambda: TODAY).handle(store, items)

    notes = [e for e in events if e.topic == topics.LISTING_STATUS_CHANGED]
    assert statuses(notes) == [
        ["BUYABLE", "DISCOVERABLE"],  # created with stock
        [],  # out of stock
        ["BUYABLE", "DISCOVERABLE"],  # restocked
        ["BUYABLE"],  # search-suppressed: buyable from its page, not found
        [],  # a stricter enforcement takes it down
        ["BUYABLE", "DISCOVERABLE"],  # reactivated
        ["DELETED"],
    ]
    payloads = [n.payload for n in notes]
    assert all(isinstance(p, ListingStatusChanged) for p in payloads)
    assert [p.sequence for p in payloads] == [1, 2, 3, 4, 5, 6, 7]  # type: ignore[attr-defined]
    assert [p.previous for p in payloads][:2] == [None, ["BUYABLE", "DISCOVERABLE"]]  # type: ignore[attr-defined]
    causes = [items[0], items[1], items[2], items[3], items[4], items[6], items[8]]
    for note, cause in zip(notes, causes, strict=True):
        assert note.key == str(LID)
        assert note.envelope.id == caused_event_id(cause.event_id, f"{topics.LISTING_STATUS_CHANGED}|{LID}")
        assert (note.envelope.causation_id, note.envelope.causation_type) == (cause.event_id, cause.envelope.type)
        assert note.payload.at == cause.envelope.time  # type: ignore[union-attr]
    status = (await store.statuses([LID]))[LID]
    assert (status.notified, status.status_sequence) == (("DELETED",), 7)


async def test_the_stock_of_a_search_suppressed_offer_changes_its_status_without_a_lifecycle_event() -> None:
    store = InMemoryActivationStore()
    await handle(store, created(S, "SKU-1"), violation("V-1", S, "SKU-1", enforcement="SEARCH_SUPPRESSED"))

    out = await handle_all(store, stock(S, "SKU-1", 0))
    back = await handle_all(store, stock(S, "SKU-1", 2))

    assert [e.topic for e in out + back] == [topics.LISTING_STATUS_CHANGED] * 2
    assert statuses(out) == [[]] and statuses(back) == [["BUYABLE"]]
    assert (await store.refusals([LID]))[LID][-1].attempted == topics.LISTING_ACTIVATED  # still suppressed


async def test_an_asin_level_suppression_notifies_every_offer_once() -> None:
    store = InMemoryActivationStore()
    await handle(store, created(S, "SKU-1", asin="B0SHARED02"), created("S-ACT-2", "SKU-9", asin="B0SHARED02"))

    events = await handle_all(store, violation("V-ASIN", asin="B0SHARED02"))

    notes = [e for e in events if e.topic == topics.LISTING_STATUS_CHANGED]
    assert statuses(notes) == [[], []]
    assert {n.key for n in notes} == {str(LID), str(listing_id("S-ACT-2", "SKU-9"))}
    assert len({n.envelope.id for n in notes}) == 2


async def test_nothing_is_notified_when_buyers_see_no_change() -> None:
    store = InMemoryActivationStore()
    await handle(store, created(S, "SKU-1", quantity=0))

    events = await handle_all(
        store, stock(S, "SKU-1", 0), violation("V-1", S, "SKU-1", enforcement="SEARCH_SUPPRESSED")
    )

    assert [e.topic for e in events] == [topics.LISTING_SUPPRESSED]  # out of stock before and after: [] both times
