"""Use case of the catalog: attach each listing to its ASIN or mint one; emit listing.created. A deleted listing's
offer leaves its ASIN (the item stays: an ASIN is never deleted nor reused)."""

from __future__ import annotations

import asyncpg
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import (
    CatalogItemCreated,
    ListingBrandCleared,
    ListingCreated,
    ListingDeleted,
    ListingQuotaGranted,
)
from asinflow_runtime.intake import Received
from asinflow_runtime.messages import Incoming, Outgoing
from asinflow_runtime.records import parse_typed
from pydantic import BaseModel

from asinflow_catalog.adapters.postgres import PostgresCatalogStore
from asinflow_catalog.domain.batch import Known, Placed, decide, may_mint, mint_candidates, parent_sku
from asinflow_catalog.store import CatalogStore, NewItem

SERVICE = "catalog"
SOURCE = f"/asinflow/{SERVICE}"

#: The event after which a listing is created (DESIGN §2): the creation quota granted it a unit. It carries
#: brand gating's clearance and, for an offer, the ASIN duplicate matching found.
TRIGGERS: dict[str, type[ListingBrandCleared]] = {
    topics.LISTING_QUOTA_GRANTED: ListingQuotaGranted,
}
#: Everything the catalog consumes: the trigger, and deletions (the offer leaves its ASIN).
CONSUMES: dict[str, type[BaseModel]] = {**TRIGGERS, topics.LISTING_DELETED: ListingDeleted}


class CatalogHandler:
    def parse(self, received: Received) -> Incoming:
        return parse_typed(received, CONSUMES)

    async def apply(self, conn: asyncpg.Connection, items: list[Incoming]) -> list[Outgoing]:
        return await self.handle(PostgresCatalogStore(conn), items)

    async def handle(self, store: CatalogStore, items: list[Incoming]) -> list[Outgoing]:
        deleted = [(i.body.proposal_id, i.envelope.time) for i in items if isinstance(i.body, ListingDeleted)]
        items = [i for i in items if not isinstance(i.body, ListingDeleted)]
        listings: list[ListingBrandCleared] = [i.body for i in items]
        # load: what the catalog holds for the whole batch
        offers = await store.offers_by_proposal({v.proposal_id for v in listings})
        asin_by_gtin = await store.asins_by_gtin({v.gtin14 for v in listings if v.gtin14})
        known = Known(
            offers=offers,
            asin_by_gtin=asin_by_gtin,
            parents=await store.latest_asins({(v.seller_id, p) for v in listings if (p := parent_sku(v))}),
            taken=await store.taken(mint_candidates(may_mint(listings, offers.keys(), asin_by_gtin))),
        )
        # decide
        plan = decide(listings, known)
        # save
        await store.add_items(plan.new_items)
        await store.add_offers(plan.offers)
        await store.add_aliases(plan.aliases)
        await store.link_children(plan.links)
        await store.close_offers(deleted)  # after the batch's offers: a listing created and deleted in it leaves too
        # emit
        outgoing: list[Outgoing] = []
        for item, listing, placed in zip(items, listings, plan.placed, strict=True):
            if placed.new_item is not None:
                outgoing.append(_item_created(item, placed.new_item))
            outgoing.append(_listing_created(item, listing, placed))
        return outgoing


def _listing_created(item: Incoming, listing: ListingBrandCleared, placed: Placed) -> Outgoing:
    payload = ListingCreated(
        listing_id=listing.listing_id,
        seller_id=listing.seller_id,
        sku=listing.sku,
        proposal_id=listing.proposal_id,
        batch_id=listing.batch_id,
        asin=placed.offer.asin,
        new_asin=placed.offer.new_asin,
        gtin14=listing.gtin14,
        quantity=listing.proposal.quantity,
        parent_asin=placed.parent_asin,
    )
    envelope = Envelope.caused_by(
        item.event_id, item.envelope.type, topics.LISTING_CREATED, source=SOURCE, subject=str(listing.listing_id)
    )
    return Outgoing(topics.LISTING_CREATED, str(listing.listing_id), envelope, payload)


def _item_created(item: Incoming, new: NewItem) -> Outgoing:
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
