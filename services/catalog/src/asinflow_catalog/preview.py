"""The catalog's decision for one granted listing without its effects: the ASIN it would be attached to.

What the handler loads for a batch is loaded through the store port for this one listing (an offer already
placed for this version, the item its GTIN names, its parent's ASIN, which mint candidates are taken), the
batch's pure decision (``domain.batch.decide``) places it, and the handler's own event builders give the
payloads it would emit. Minting is deterministic (``domain.asin.candidate`` of the listing version), so the
preview names the very ASIN a new item would get. Nothing is saved or emitted.
"""

from __future__ import annotations

import uuid
from typing import Literal

from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import CatalogItemCreated, ListingBrandCleared, ListingCreated
from asinflow_runtime.messages import Incoming
from pydantic import BaseModel, Field

from asinflow_catalog import handlers
from asinflow_catalog.domain.batch import Known, decide, may_mint, mint_candidates, parent_sku
from asinflow_catalog.store import CatalogStore


class CatalogPreview(BaseModel):
    """Where the catalog would put this listing now. Nothing is recorded or emitted."""

    outcome: Literal["attach", "mint"] = Field(
        description="`attach`: an offer on an existing ASIN; `mint`: a new catalog item with a new ASIN."
    )
    listing_id: uuid.UUID = Field(description="The listing.")
    seller_id: str = Field(description="The seller.")
    sku: str = Field(description="The SKU.")
    proposal_id: uuid.UUID = Field(description="The listing version (a new ASIN is derived from it).")
    asin: str = Field(description="The ASIN the offer would be on: the existing one, or the one minted for it.")
    parent_asin: str | None = Field(default=None, description="A variation child: its parent's ASIN, if known.")
    already_placed: bool = Field(description="This listing version is placed already (the same offer again).")
    passes_on: ListingCreated = Field(
        description="The `listing.created` payload it would emit (activation's POST /preview body)."
    )
    new_item: CatalogItemCreated | None = Field(
        default=None, description="Minting: the `catalog.item.created` payload of the new item."
    )


async def preview(store: CatalogStore, listing: ListingBrandCleared) -> CatalogPreview:
    # load, as the handler does for a batch of one
    offers = await store.offers_by_proposal({listing.proposal_id})
    asin_by_gtin = await store.asins_by_gtin({listing.gtin14} if listing.gtin14 else set())
    parent = parent_sku(listing)
    known = Known(
        offers=offers,
        asin_by_gtin=asin_by_gtin,
        parents=await store.latest_asins({(listing.seller_id, parent)} if parent else set()),
        taken=await store.taken(mint_candidates(may_mint([listing], offers.keys(), asin_by_gtin))),
    )
    # decide
    [placed] = decide([listing], known).placed
    cause = Envelope.caused_by(
        listing.proposal_id,
        topics.LISTING_BRAND_CLEARED,
        topics.LISTING_QUOTA_GRANTED,
        source=handlers.SOURCE,
        subject=str(listing.listing_id),
    )
    item = Incoming(None, cause, listing)
    created = handlers._listing_created(item, listing, placed).payload
    assert isinstance(created, ListingCreated)
    new_item = None
    if placed.new_item is not None:
        minted = handlers._item_created(item, placed.new_item).payload
        assert isinstance(minted, CatalogItemCreated)
        new_item = minted
    return CatalogPreview(
        outcome="mint" if placed.offer.new_asin else "attach",
        listing_id=listing.listing_id,
        seller_id=listing.seller_id,
        sku=listing.sku,
        proposal_id=listing.proposal_id,
        asin=placed.offer.asin,
        parent_asin=placed.parent_asin,
        already_placed=listing.proposal_id in offers,
        passes_on=created,
        new_item=new_item,
    )
