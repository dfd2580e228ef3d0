"""The catalog's preview on the in-memory store: the batch's own placement, so it names the ASIN the handler then
attaches the offer to or mints (minting is deterministic), and it adds no item, offer or alias."""

from __future__ import annotations

import copy

import pytest
from asinflow_catalog.adapters.memory import InMemoryCatalogStore
from asinflow_catalog.handlers import CatalogHandler
from asinflow_catalog.preview import CatalogPreview, preview
from asinflow_contracts.events import CatalogItemCreated, ListingCreated, ListingQuotaGranted

from tests.unit.catalog.builders import GTIN, granted, incoming

pytestmark = pytest.mark.unit


async def preview_then_handle(
    store: InMemoryCatalogStore, listing: ListingQuotaGranted
) -> tuple[CatalogPreview, ListingCreated, CatalogItemCreated | None]:
    before = copy.deepcopy(vars(store))
    found = await preview(store, listing)
    assert vars(store) == before, "a preview adds no item, offer or alias"
    events = await CatalogHandler().handle(store, [incoming(listing)])
    [created] = [e.payload for e in events if isinstance(e.payload, ListingCreated)]
    items = [e.payload for e in events if isinstance(e.payload, CatalogItemCreated)]
    return found, created, items[0] if items else None


async def test_a_new_product_is_previewed_with_the_asin_the_handler_then_mints() -> None:
    store = InMemoryCatalogStore()
    found, created, item = await preview_then_handle(store, granted("NEW-1"))
    assert item is not None and created.new_asin
    assert (found.outcome, found.asin, found.passes_on, found.new_item) == ("mint", item.asin, created, item)


async def test_an_offer_is_previewed_on_the_item_its_gtin_names() -> None:
    store = InMemoryCatalogStore()
    _, first, _ = await preview_then_handle(store, granted("FIRST", GTIN))
    found, created, item = await preview_then_handle(store, granted("SECOND", GTIN, seller="S-CAT-2"))
    assert item is None and not created.new_asin
    assert (found.outcome, found.asin, found.new_item) == ("attach", first.asin, None)
    assert found.passes_on == created
