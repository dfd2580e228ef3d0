"""Duplicate matching's preview on the in-memory store: the same cascade, scorer and event builder as the
handler, so it answers what the handler then emits; it keeps no decision and no alias."""

from __future__ import annotations

import copy

import pytest
from asinflow_contracts.events import ListingMatched, ListingRejected, ListingUnmatched, ListingValidated
from asinflow_duplicate_matching.adapters.memory import InMemoryMatchingStore
from asinflow_duplicate_matching.domain.matcher import Matcher
from asinflow_duplicate_matching.handlers import MatchingHandler
from asinflow_duplicate_matching.preview import MatchingPreview, preview

from tests.unit.matching.test_matching_handler import LAMP_GTIN, OTHER_GTIN, catalog_item, handle, validated

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def handler() -> MatchingHandler:
    return MatchingHandler(Matcher.default())


async def preview_then_handle(
    handler: MatchingHandler, store: InMemoryMatchingStore, listing: ListingValidated
) -> tuple[MatchingPreview, ListingMatched | ListingUnmatched | ListingRejected]:
    before = copy.deepcopy(vars(store))
    found = await preview(store, handler, listing)
    assert vars(store) == before, "a preview keeps no decision and no alias"
    [event] = await handle(handler, store, listing)
    assert isinstance(event.payload, ListingMatched | ListingUnmatched | ListingRejected)
    return found, event.payload


async def test_a_known_gtin_is_previewed_as_the_match_the_handler_makes(handler: MatchingHandler) -> None:
    store = InMemoryMatchingStore()
    await handle(handler, store, catalog_item("B0LAMP0001", LAMP_GTIN))
    found, emitted = await preview_then_handle(handler, store, validated("P-GTIN", gtin14=LAMP_GTIN))
    assert isinstance(emitted, ListingMatched)
    assert (found.outcome, found.asin, found.match_kind, found.passes_on) == ("matched", "B0LAMP0001", "GTIN", emitted)


async def test_a_new_product_is_previewed_unmatched_and_a_conflict_rejected(handler: MatchingHandler) -> None:
    store = InMemoryMatchingStore()
    await handle(handler, store, catalog_item("B0LAMP0002", OTHER_GTIN, brand="Lumen"))
    found, emitted = await preview_then_handle(
        handler, store, validated("P-NEW", title="Quietfox Desk Fan 30cm", brand="Quietfox", gtin14=LAMP_GTIN)
    )
    assert isinstance(emitted, ListingUnmatched) and (found.outcome, found.passes_on) == ("unmatched", emitted)

    conflict = validated("P-CONFLICT", title="Quietfox Desk Fan 30cm", brand="Quietfox", gtin14=OTHER_GTIN)
    found, emitted = await preview_then_handle(handler, store, conflict)
    assert isinstance(emitted, ListingRejected)
    assert (found.outcome, found.code, found.issues) == ("rejected", emitted.code, emitted.issues)
