"""The duplicate-matching handler on the in-memory store: GTIN → model → title, conflicts, aliases, variation
children, and one batch call per kind of data (no I/O)."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import (
    CatalogItemCreated,
    ListingMatched,
    ListingRejected,
    ListingUnmatched,
    ListingValidated,
)
from asinflow_contracts.ids import listing_id
from asinflow_duplicate_matching.adapters.memory import InMemoryMatchingStore
from asinflow_duplicate_matching.domain.blocking import BlockingQuery
from asinflow_duplicate_matching.domain.candidates import IndexedItem
from asinflow_duplicate_matching.domain.matcher import Matcher
from asinflow_duplicate_matching.handlers import MatchingHandler
from asinflow_duplicate_matching.store import Decision, Gtin
from asinflow_runtime.messages import Incoming, Outgoing

pytestmark = pytest.mark.unit

SELLER = "S-MATCH-1"
LAMP_GTIN = "04006381333931"
OTHER_GTIN = "00036000291452"
LAMP_TITLE = "Lumen ELPLP12 Replacement Projector Lamp 200W UHE for PowerLite 1500"


@dataclass(frozen=True)
class Record:
    """Stands in for the aiokafka record an Incoming carries."""

    topic: str
    value: bytes = b""
    key: bytes | None = None
    partition: int = 0
    offset: int = 0
    headers: tuple[tuple[str, bytes], ...] = ()


def validated(
    sku: str,
    *,
    title: str = LAMP_TITLE,
    brand: str = "Lumen",
    model_number: str | None = None,
    gtin14: str | None = None,
    parent_sku: str | None = None,
    seller: str = SELLER,
) -> ListingValidated:
    variation: dict[str, Any] | None = None
    if parent_sku is not None:
        variation = {"parent_sku": parent_sku, "theme": "Color", "attributes": {"Color": "Black"}}
    proposal: dict[str, Any] = {
        "seller_id": seller,
        "sku": sku,
        "title": title,
        "brand": brand,
        "product_type": "PROJECTOR_LAMP",
        "model_number": model_number,
        "identifiers": [{"type": "GTIN", "value": gtin14}] if gtin14 else [],
        "exemption_id": None if gtin14 else "EX-LUMEN",
        "variation": variation,
    }
    return ListingValidated.model_validate(
        {
            "listing_id": listing_id(seller, sku),
            "seller_id": seller,
            "sku": sku,
            "proposal_id": uuid.uuid4(),
            "gtin14": gtin14,
            "identifiers": [{"type": "GTIN", "value": gtin14, "kind": "GTIN-14", "gtin14": gtin14}] if gtin14 else [],
            "exemption_id": None if gtin14 else "EX-LUMEN",
            "proposal": proposal,
        }
    )


def catalog_item(
    asin: str,
    *gtin14s: str,
    title: str = LAMP_TITLE,
    brand: str = "Lumen",
    model_number: str | None = "ELPLP12",
    parent_asin: str | None = None,
) -> CatalogItemCreated:
    return CatalogItemCreated(
        asin=asin,
        brand=brand,
        title=title,
        product_type="PROJECTOR_LAMP",
        model_number=model_number,
        gtin14s=list(gtin14s),
        parent_asin=parent_asin,
        created_by_listing=uuid.uuid4(),
    )


def incoming(body: ListingValidated | CatalogItemCreated) -> Incoming:
    topic = topics.LISTING_VALIDATED if isinstance(body, ListingValidated) else topics.CATALOG_ITEM_CREATED
    return Incoming(Record(topic), Envelope(id=uuid.uuid4(), type=topic, source="/tests"), body)


@pytest.fixture(scope="module")
def handler() -> MatchingHandler:
    return MatchingHandler(Matcher.default())


async def handle(
    handler: MatchingHandler, store: InMemoryMatchingStore, *bodies: ListingValidated | CatalogItemCreated
) -> list[Outgoing]:
    return await handler.handle(store, [incoming(b) for b in bodies])


async def test_a_known_gtin_matches_its_item_and_the_decision_is_kept(handler: MatchingHandler) -> None:
    store = InMemoryMatchingStore()
    await handle(handler, store, catalog_item("B0LAMP0001", LAMP_GTIN))

    [event] = await handle(handler, store, listing := validated("LAMP-B", gtin14=LAMP_GTIN))

    assert isinstance(event.payload, ListingMatched)
    assert (event.topic, event.key) == (topics.LISTING_MATCHED, str(listing.listing_id))
    assert (event.payload.asin, event.payload.match_kind, event.payload.score) == ("B0LAMP0001", "GTIN", 1.0)
    assert event.envelope.subject == str(listing.listing_id)
    decision = (await store.decisions([listing.proposal_id]))[listing.proposal_id]
    assert (decision.outcome, decision.asin, decision.match_kind, decision.score) == (
        "MATCHED",
        "B0LAMP0001",
        "GTIN",
        1.0,
    )


async def test_an_item_created_in_the_same_batch_is_found(handler: MatchingHandler) -> None:
    store = InMemoryMatchingStore()

    events = await handle(handler, store, validated("LAMP-B", gtin14=LAMP_GTIN), catalog_item("B0LAMP0001", LAMP_GTIN))

    assert [(e.topic, getattr(e.payload, "asin", None)) for e in events] == [(topics.LISTING_MATCHED, "B0LAMP0001")]


async def test_the_same_model_under_another_gtin_matches_and_the_gtin_becomes_an_alias(
    handler: MatchingHandler,
) -> None:
    store = InMemoryMatchingStore()
    await handle(handler, store, catalog_item("B0LAMP0001", LAMP_GTIN))

    [event] = await handle(handler, store, validated("LAMP-B", model_number="ELPLP12", gtin14=OTHER_GTIN))

    assert isinstance(event.payload, ListingMatched)
    assert (event.payload.asin, event.payload.match_kind, event.payload.alias_gtin14) == (
        "B0LAMP0001",
        "MODEL",
        OTHER_GTIN,
    )
    assert [w.code for w in event.payload.warnings] == ["DUPLICATE_GTIN_ALIAS"]
    assert store.gtins[OTHER_GTIN] == Gtin(OTHER_GTIN, "B0LAMP0001", alias=True)
    [again] = await handle(handler, store, validated("LAMP-C", gtin14=OTHER_GTIN))  # the alias now identifies it
    assert isinstance(again.payload, ListingMatched) and again.payload.match_kind == "GTIN"


async def test_the_title_finds_an_item_when_nothing_else_identifies_it(handler: MatchingHandler) -> None:
    store = InMemoryMatchingStore()
    await handle(handler, store, catalog_item("B0LAMP0001", LAMP_GTIN))

    [event] = await handle(handler, store, validated("LAMP-B", gtin14=OTHER_GTIN))  # no model number given

    assert isinstance(event.payload, ListingMatched)
    assert (event.payload.asin, event.payload.match_kind) == ("B0LAMP0001", "TITLE")
    assert event.payload.score >= event.payload.threshold


async def test_a_gtin_on_another_brands_product_is_a_conflict(handler: MatchingHandler) -> None:
    store = InMemoryMatchingStore()
    await handle(handler, store, catalog_item("B0LAMP0001", LAMP_GTIN))
    kettle = validated(
        "KETTLE-1",
        title="Boilright 1.7 L Electric Kettle, Stainless",
        brand="Boilright",
        model_number="BK-17",
        gtin14=LAMP_GTIN,
    )

    [event] = await handle(handler, store, kettle)

    assert isinstance(event.payload, ListingRejected)
    assert event.payload.code == "CATALOG_DATA_CONFLICT" and "B0LAMP0001" in event.payload.message
    assert (await store.decisions([kettle.proposal_id]))[kettle.proposal_id].outcome == "REJECTED"


async def test_a_new_product_is_unmatched_with_its_closest_candidate(handler: MatchingHandler) -> None:
    store = InMemoryMatchingStore()
    await handle(handler, store, catalog_item("B0LAMP0001", LAMP_GTIN))
    cable = validated("CABLE-1", title="Lumen HDMI 2.1 Cable 3 m, 48 Gbps", model_number="HC-300", gtin14=OTHER_GTIN)

    [event] = await handle(handler, store, cable)

    assert isinstance(event.payload, ListingUnmatched)
    assert event.payload.best_asin == "B0LAMP0001"  # it shares the brand and a word
    assert event.payload.best_score is not None and event.payload.best_score < event.payload.threshold


async def test_a_variation_child_is_matched_by_its_gtin_only(handler: MatchingHandler) -> None:
    store = CountingStore()
    await handle(handler, store, catalog_item("B0LAMP0001", LAMP_GTIN))

    [event] = await handle(handler, store, validated("LAMP-RED", model_number="ELPLP12", parent_sku="LAMP"))

    assert isinstance(event.payload, ListingUnmatched)
    assert event.payload.evidence == {"reason": "variation child: GTIN only"}
    assert store.looked_up == []  # no candidates were looked for


async def test_a_batch_takes_one_call_per_kind_of_data(handler: MatchingHandler) -> None:
    store = CountingStore()
    items = [
        catalog_item(f"B0LAMP{n:04d}", f"0400638133{n:04d}", title=f"Lumen ELP{n:04d} Lamp", model_number=f"ELP{n:04d}")
        for n in range(20)
    ]
    listings = [
        *(validated(f"G-{n}", title=f"Lumen ELP{n:04d} Lamp", gtin14=f"0400638133{n:04d}") for n in range(20)),
        *(
            validated(f"M-{n}", title="Lumen Lamp", model_number=f"ELP{n:04d}", gtin14=f"0500638133{n:04d}")
            for n in range(20)
        ),
        *(validated(f"T-{n}", title=f"Lumen ELP{n:04d} Lamp", gtin14=f"0600638133{n:04d}") for n in range(20)),
    ]

    events = await handle(handler, store, *items, *listings)

    assert len(events) == len(listings)
    assert store.calls == Counter({"add_items": 1, "by_gtin": 1, "candidates": 1, "add_gtins": 1, "save_decisions": 1})
    assert len(store.looked_up) == 40  # the listings no GTIN identified, in one call
    kinds = Counter(e.payload.match_kind for e in events if isinstance(e.payload, ListingMatched))
    assert kinds == {"GTIN": 20, "MODEL": 20, "TITLE": 20}


async def test_a_decision_already_kept_is_not_replaced(handler: MatchingHandler) -> None:
    store = InMemoryMatchingStore()
    listing = validated("LAMP-B", gtin14=LAMP_GTIN)
    await handle(handler, store, listing)  # unmatched: the catalog is empty
    await handle(handler, store, catalog_item("B0LAMP0001", LAMP_GTIN))

    await handle(handler, store, listing)

    assert (await store.decisions([listing.proposal_id]))[listing.proposal_id].outcome == "UNMATCHED"


class CountingStore(InMemoryMatchingStore):
    """The in-memory store, counting the calls of each method and the lookups asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: Counter[str] = Counter()
        self.looked_up: list[BlockingQuery] = []

    async def add_items(self, items: Sequence[IndexedItem]) -> list[str]:
        self.calls["add_items"] += 1
        return await super().add_items(items)

    async def add_gtins(self, gtins: Sequence[Gtin]) -> list[str]:
        self.calls["add_gtins"] += 1
        return await super().add_gtins(gtins)

    async def by_gtin(self, gtin14s: Collection[str]) -> dict[str, IndexedItem]:
        self.calls["by_gtin"] += 1
        return await super().by_gtin(gtin14s)

    async def candidates(self, queries: Sequence[BlockingQuery]) -> list[list[IndexedItem]]:
        self.calls["candidates"] += 1
        self.looked_up += queries
        return await super().candidates(queries)

    async def save_decisions(self, decisions: Sequence[Decision]) -> list[uuid.UUID]:
        self.calls["save_decisions"] += 1
        return await super().save_decisions(decisions)
