"""The catalog's handler on the in-memory store: attach, mint, variation families, re-application (no I/O)."""

from __future__ import annotations

import uuid

import pytest
from asinflow_catalog.adapters.memory import InMemoryCatalogStore
from asinflow_catalog.app import SPEC
from asinflow_catalog.domain.asin import candidate
from asinflow_catalog.handlers import CatalogHandler
from asinflow_catalog.store import NewItem
from asinflow_contracts import topics
from asinflow_contracts.events import CatalogItemCreated, ListingCreated, ListingDeleted, ListingQuotaGranted
from asinflow_runtime.intake import receive
from asinflow_runtime.messages import Outgoing, Unreadable

from tests.unit.catalog.builders import GTIN, Record, deleted, granted, incoming

pytestmark = pytest.mark.unit

OTHER_GTIN = "04006381333931"


async def handle(store: InMemoryCatalogStore, *bodies: ListingQuotaGranted | ListingDeleted) -> list[Outgoing]:
    return await CatalogHandler().handle(store, [incoming(b) for b in bodies])


def created(events: list[Outgoing]) -> list[ListingCreated]:
    return [e.payload for e in events if isinstance(e.payload, ListingCreated)]


def items_created(events: list[Outgoing]) -> list[CatalogItemCreated]:
    return [e.payload for e in events if isinstance(e.payload, CatalogItemCreated)]


def item(asin: str, gtin14: str) -> NewItem:
    return NewItem(
        asin=asin,
        brand="Acme",
        manufacturer=None,
        title="Acme Wireless Headphones WH-100",
        product_type="HEADPHONES",
        model_number=None,
        part_number=None,
        parent_asin=None,
        variation_theme=None,
        variation_attributes={},
        created_by_listing=uuid.uuid4(),
        created_by_proposal=uuid.uuid4(),
        gtin14s=[gtin14],
    )


async def test_a_known_gtin_attaches_an_offer_to_its_item() -> None:
    store = InMemoryCatalogStore()
    await store.add_items([item("B0KNOWN001", GTIN)])

    events = await handle(store, listing := granted("HP-1"))

    assert items_created(events) == []
    [event] = created(events)
    assert (event.asin, event.new_asin, event.gtin14, event.quantity) == ("B0KNOWN001", False, GTIN, 5)
    assert store.offers[listing.proposal_id].asin == "B0KNOWN001"
    assert list(store.items) == ["B0KNOWN001"]


async def test_a_new_gtin_mints_an_asin_with_its_item_and_emits_both_events() -> None:
    store = InMemoryCatalogStore()

    events = await handle(store, listing := granted("HP-1"))

    asin = candidate(listing.proposal_id, 0)
    assert [e.topic for e in events] == [topics.CATALOG_ITEM_CREATED, topics.LISTING_CREATED]
    assert [e.key for e in events] == [asin, str(listing.listing_id)]
    [new] = items_created(events)
    assert (new.asin, new.gtin14s, new.brand, new.created_by_listing) == (asin, [GTIN], "Acme", listing.listing_id)
    [event] = created(events)
    assert (event.asin, event.new_asin) == (asin, True)
    assert store.gtins == {GTIN: asin}
    assert store.offers[listing.proposal_id].new_asin


async def test_an_exempted_listing_without_gtin_mints_an_item_without_gtins() -> None:
    store = InMemoryCatalogStore()

    events = await handle(store, granted("HANDMADE-1", None))

    [new] = items_created(events)
    assert new.gtin14s == [] and created(events)[0].gtin14 is None
    assert store.gtins == {}


async def test_a_later_listing_of_the_batch_with_the_same_gtin_attaches_to_the_item_just_minted() -> None:
    store = InMemoryCatalogStore()

    events = await handle(store, granted("HP-1"), granted("HP-2", seller="S-CAT-2"))

    [new] = items_created(events)
    first, second = created(events)
    assert (first.asin, first.new_asin) == (new.asin, True)
    assert (second.asin, second.new_asin) == (new.asin, False)
    assert list(store.items) == [new.asin]


async def test_an_asin_found_by_matching_gets_an_offer_and_the_alias_is_recorded() -> None:
    store = InMemoryCatalogStore()
    await store.add_items([item("B0KNOWN001", GTIN)])

    events = await handle(store, granted("HP-1", OTHER_GTIN, asin="B0KNOWN001", alias_gtin14=OTHER_GTIN))

    assert items_created(events) == []
    assert created(events)[0].asin == "B0KNOWN001"
    assert store.gtins == {GTIN: "B0KNOWN001", OTHER_GTIN: "B0KNOWN001"}


async def test_a_taken_candidate_is_skipped_for_the_next_one() -> None:
    store = InMemoryCatalogStore()
    listing = granted("HP-1")
    await store.add_items([item(candidate(listing.proposal_id, 0), OTHER_GTIN)])

    events = await handle(store, listing)

    assert created(events)[0].asin == candidate(listing.proposal_id, 1)
    assert len(store.items) == 2


async def test_a_child_after_its_parent_in_the_batch_points_at_the_parent_asin() -> None:
    store = InMemoryCatalogStore()

    events = await handle(store, parent := granted("HP-PARENT", None), granted("HP-BLK", GTIN, parent_sku="HP-PARENT"))

    parent_asin = candidate(parent.proposal_id, 0)
    parent_item, child_item = items_created(events)
    assert (parent_item.asin, parent_item.parent_asin) == (parent_asin, None)
    assert child_item.parent_asin == parent_asin
    assert created(events)[1].parent_asin == parent_asin
    assert store.items[child_item.asin].parent_asin == parent_asin


async def test_a_child_before_its_parent_is_linked_to_it_once_the_parent_is_created() -> None:
    store = InMemoryCatalogStore()

    events = await handle(store, granted("HP-BLK", GTIN, parent_sku="HP-PARENT"), parent := granted("HP-PARENT", None))

    child_event, parent_event = created(events)
    assert child_event.parent_asin is None  # not known yet when the child was created
    assert store.items[child_event.asin].parent_asin == candidate(parent.proposal_id, 0) == parent_event.asin


async def test_a_child_in_a_later_batch_finds_its_parent_in_the_catalog() -> None:
    store = InMemoryCatalogStore()
    await handle(store, parent := granted("HP-PARENT", None))

    events = await handle(store, granted("HP-BLK", GTIN, parent_sku="HP-PARENT"))

    parent_asin = candidate(parent.proposal_id, 0)
    assert items_created(events)[0].parent_asin == parent_asin
    assert created(events)[0].parent_asin == parent_asin


async def test_applying_a_listing_version_again_gives_the_same_offer_and_mints_nothing() -> None:
    store = InMemoryCatalogStore()
    listing = granted("MINT-1", None)
    first = await handle(store, listing)

    again = await handle(store, listing)

    assert items_created(again) == []
    assert created(again)[0].asin == created(first)[0].asin
    assert created(again)[0].new_asin
    assert len(store.items) == 1 and len(store.offers) == 1


async def test_a_listing_version_twice_in_one_batch_is_placed_once() -> None:
    store = InMemoryCatalogStore()
    listing = granted("MINT-1", None)

    events = await handle(store, listing, listing)

    assert len(items_created(events)) == 1
    first, second = created(events)
    assert first.asin == second.asin and second.new_asin
    assert len(store.items) == 1 and len(store.offers) == 1


async def test_a_new_version_of_a_listing_is_placed_as_a_new_offer() -> None:
    store = InMemoryCatalogStore()
    await handle(store, first := granted("HP-1"))

    events = await handle(store, second := granted("HP-1"))

    assert created(events)[0].asin == candidate(first.proposal_id, 0)
    assert not created(events)[0].new_asin
    assert set(store.offers) == {first.proposal_id, second.proposal_id}


# --- deletion -------------------------------------------------------------------------------------------


async def test_a_deleted_listing_leaves_its_asin_and_the_item_stays() -> None:
    store = InMemoryCatalogStore()
    await store.add_items([item("B0KNOWN001", GTIN)])
    await handle(store, first := granted("HP-1"), other := granted("HP-2"))
    assert [o.sku for o in (await store.open_offers(["B0KNOWN001"]))["B0KNOWN001"]] == ["HP-1", "HP-2"]

    deletion = incoming(deleted(first, "B0KNOWN001"))
    assert await CatalogHandler().handle(store, [deletion]) == []  # nothing to emit: activation said it all

    assert [o.sku for o in (await store.open_offers(["B0KNOWN001"]))["B0KNOWN001"]] == ["HP-2"]
    assert store.closed == {first.proposal_id: deletion.envelope.time}
    assert "B0KNOWN001" in store.items and store.gtins == {GTIN: "B0KNOWN001"}  # an ASIN is never deleted
    assert other.proposal_id not in store.closed


async def test_the_last_offer_leaving_a_minted_item_leaves_it_without_offers_and_a_redelivery_changes_nothing() -> None:
    store = InMemoryCatalogStore()
    [item_created, listing_created] = await handle(store, listing := granted("HP-1"))
    asin = listing_created.payload.asin  # type: ignore[union-attr]
    gone = deleted(listing, asin)
    await handle(store, gone)
    first_time = store.closed[listing.proposal_id]
    await handle(store, gone)  # redelivered: it keeps its first time
    assert await store.open_offers([asin]) == {}
    assert store.closed == {listing.proposal_id: first_time}
    # the grant of that version redelivered later re-emits the same creation, and does not reopen the offer
    again = await handle(store, listing)
    assert [e.payload.asin for e in again if isinstance(e.payload, ListingCreated)] == [asin]
    assert await store.open_offers([asin]) == {}
    assert item_created.topic == topics.CATALOG_ITEM_CREATED


async def test_a_listing_created_and_deleted_in_one_batch_leaves_its_asin() -> None:
    store = InMemoryCatalogStore()
    await store.add_items([item("B0KNOWN001", GTIN)])
    listing = granted("HP-1")
    events = await handle(store, listing, deleted(listing, "B0KNOWN001"))
    assert [e.topic for e in events] == [topics.LISTING_CREATED]
    assert await store.open_offers(["B0KNOWN001"]) == {}


def test_the_catalog_reads_deletions_and_refuses_a_malformed_one() -> None:
    assert set(SPEC.consumes) == {topics.LISTING_QUOTA_GRANTED, topics.LISTING_DELETED}
    envelope = incoming(deleted(granted("HP-1"), "B0KNOWN001")).envelope
    record = Record(topics.LISTING_DELETED, b'{"seller_id": "S"}', None, 0, 0, tuple(envelope.to_headers()))
    with pytest.raises(Unreadable):
        CatalogHandler().parse(receive(record))
