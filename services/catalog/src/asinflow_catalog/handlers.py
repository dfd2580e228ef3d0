"""Use case of the catalog: attach each listing to its ASIN or mint one; emit listing.created."""

from __future__ import annotations

import asyncpg
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import (
    CatalogItemCreated,
    ListingBrandCleared,
    ListingCreated,
    ListingQuotaGranted,
    ListingValidated,
)
from asinflow_runtime.intake import Received
from asinflow_runtime.messages import Incoming, Outgoing
from asinflow_runtime.records import parse_typed

from asinflow_catalog.adapters import postgres
from asinflow_catalog.adapters.postgres import NewItem, Offer
from asinflow_catalog.domain import asin as asin_rules
from asinflow_catalog.domain.placement import Placement, place

SERVICE = "catalog"
SOURCE = f"/asinflow/{SERVICE}"

#: The event after which a listing is created (DESIGN §2): the creation quota granted it a unit. It carries
#: brand gating's clearance and, for an offer, the ASIN duplicate matching found.
TRIGGERS: dict[str, type[ListingBrandCleared]] = {
    topics.LISTING_QUOTA_GRANTED: ListingQuotaGranted,
}


class CatalogHandler:
    def __init__(self) -> None:
        self._minted: set[str] = set()  # ASINs minted in the batch being applied

    def parse(self, received: Received) -> Incoming:
        return parse_typed(received, TRIGGERS)

    async def apply(self, conn: asyncpg.Connection, items: list[Incoming]) -> list[Outgoing]:
        listings: list[tuple[Incoming, ListingBrandCleared]] = [(i, i.body) for i in items]
        existing = await postgres.offers_by_proposal(conn, [v.proposal_id for _, v in listings])
        asin_by_gtin = await postgres.asins_by_gtin(conn, [v.gtin14 for _, v in listings if v.gtin14])
        parents = await postgres.latest_asins(
            conn, [(v.seller_id, parent) for _, v in listings if (parent := _parent_sku(v))]
        )
        new_items: list[NewItem] = []
        offers: list[Offer] = []
        self._minted = set()
        outgoing: list[Outgoing] = []
        for item, listing in listings:
            offer = existing.get(listing.proposal_id)
            if offer is None:
                offer, new_item = await self._place(conn, listing, asin_by_gtin, parents)
                offers.append(offer)
                if new_item is not None:
                    new_items.append(new_item)
                    outgoing.append(self._item_created(item, new_item))
                    for gtin in new_item.gtin14s:  # a later listing of this batch with this GTIN attaches
                        asin_by_gtin[gtin] = new_item.asin
                parents[(listing.seller_id, listing.sku)] = offer.asin  # children later in the batch find it
            outgoing.append(self._listing_created(item, listing, offer, parents))
        await postgres.save(conn, new_items, offers)
        await postgres.add_aliases(conn, [(v.alias_gtin14, v.asin) for _, v in listings if v.alias_gtin14 and v.asin])
        await postgres.link_waiting_children(conn, [(o.seller_id, o.sku, o.asin) for o in offers])
        return outgoing

    async def _place(
        self,
        conn: asyncpg.Connection,
        listing: ListingBrandCleared,
        asin_by_gtin: dict[str, str],
        parents: dict[tuple[str, str], str],
    ) -> tuple[Offer, NewItem | None]:
        placement = place(listing, asin_by_gtin)
        if listing.asin is not None:  # duplicate matching found the item: an offer on it
            placement = Placement(listing.asin, f"matched ({listing.match_kind})")
        parent_sku = _parent_sku(listing)
        if placement.asin is not None:
            offer = Offer(
                listing.proposal_id,
                listing.listing_id,
                listing.seller_id,
                listing.sku,
                placement.asin,
                False,
                parent_sku,
            )
            return offer, None
        asin = await self._mint(conn, listing)
        p = listing.proposal
        variation = p.variation
        new_item = NewItem(
            asin=asin,
            brand=p.brand,
            manufacturer=p.manufacturer,
            title=p.title,
            product_type=p.product_type,
            model_number=p.model_number,
            part_number=p.part_number,
            parent_asin=parents.get((listing.seller_id, parent_sku)) if parent_sku else None,
            variation_theme=variation.theme if variation else None,
            variation_attributes=dict(variation.attributes) if variation else {},
            created_by_listing=listing.listing_id,
            created_by_proposal=listing.proposal_id,
            gtin14s=sorted({i.gtin14 for i in listing.identifiers}),
        )
        offer = Offer(listing.proposal_id, listing.listing_id, listing.seller_id, listing.sku, asin, True, parent_sku)
        return offer, new_item

    async def _mint(self, conn: asyncpg.Connection, listing: ListingValidated) -> str:
        for attempt in range(100):
            candidate = asin_rules.candidate(listing.proposal_id, attempt)
            if candidate not in self._minted and not await postgres.taken(conn, [candidate]):
                self._minted.add(candidate)
                return candidate
        raise RuntimeError("no free ASIN candidate after 100 attempts")  # 36^8 space: not expected

    def _listing_created(
        self, item: Incoming, listing: ListingValidated, offer: Offer, parents: dict[tuple[str, str], str]
    ) -> Outgoing:
        parent_sku = offer.parent_sku
        payload = ListingCreated(
            listing_id=listing.listing_id,
            seller_id=listing.seller_id,
            sku=listing.sku,
            proposal_id=listing.proposal_id,
            batch_id=listing.batch_id,
            asin=offer.asin,
            new_asin=offer.new_asin,
            gtin14=listing.gtin14,
            quantity=listing.proposal.quantity,
            parent_asin=parents.get((listing.seller_id, parent_sku)) if parent_sku else None,
        )
        envelope = Envelope.caused_by(
            item.event_id, item.envelope.type, topics.LISTING_CREATED, source=SOURCE, subject=str(listing.listing_id)
        )
        return Outgoing(topics.LISTING_CREATED, str(listing.listing_id), envelope, payload)

    def _item_created(self, item: Incoming, new: NewItem) -> Outgoing:
        payload = CatalogItemCreated(
            asin=new.asin,
            brand=new.brand,
            manufacturer=new.manufacturer,
            title=new.title,
            product_type=new.product_type,
            model_number=new.model_number,
            part_number=new.part_number,
            gtin14s=new.gtin14s,
            parent_asin=new.parent_asin,
            variation_theme=new.variation_theme,
            variation_attributes=new.variation_attributes,
            created_by_listing=new.created_by_listing,
        )
        envelope = Envelope.caused_by(
            item.event_id, item.envelope.type, topics.CATALOG_ITEM_CREATED, source=SOURCE, subject=new.asin
        )
        return Outgoing(topics.CATALOG_ITEM_CREATED, new.asin, envelope, payload)


def _parent_sku(listing: ListingValidated) -> str | None:
    variation = listing.proposal.variation
    return variation.parent_sku if variation and variation.parent_sku else None
