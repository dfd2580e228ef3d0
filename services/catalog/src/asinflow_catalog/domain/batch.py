"""What one batch of granted listings becomes: an offer each, on an existing item or a newly minted one (pure).

The handler loads what the whole batch needs (``Known``), ``decide`` places every listing in order, and the
handler saves the ``Plan`` and emits its events. A later listing of the batch sees what an earlier one did:
an item minted for a GTIN takes the next listings with that GTIN, a parent's ASIN its children.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field

from asinflow_contracts.events import ListingBrandCleared, ListingValidated

from asinflow_catalog.domain import asin as asin_rules
from asinflow_catalog.domain.items import ChildLink, NewItem, Offer
from asinflow_catalog.domain.placement import Placement, place

#: Candidate ASINs checked per listing to mint. The candidates of a listing are random draws from 36^8 ≈ 2.8e12
#: values, so even with a billion items all four are taken with a probability of about 1e-14.
MINT_ATTEMPTS = 4


@dataclass(frozen=True)
class Known:
    """What the catalog already holds for a batch."""

    offers: Mapping[uuid.UUID, Offer]  # by proposal id: listing versions already placed
    asin_by_gtin: Mapping[str, str]
    parents: Mapping[tuple[str, str], str]  # (seller_id, parent sku) -> ASIN of its latest offer
    taken: Set[str]  # which of the batch's mint candidates are already items


@dataclass(frozen=True)
class Placed:
    """The outcome of one listing: its offer, the item minted for it (if any), its parent's ASIN."""

    offer: Offer
    new_item: NewItem | None
    parent_asin: str | None


@dataclass
class Plan:
    placed: list[Placed] = field(default_factory=list)  # one per listing, in the batch's order
    new_items: list[NewItem] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)  # the new ones
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (gtin14, asin)

    @property
    def links(self) -> list[ChildLink]:
        return [ChildLink(o.seller_id, o.sku, o.asin) for o in self.offers]


def parent_sku(listing: ListingValidated) -> str | None:
    variation = listing.proposal.variation
    return variation.parent_sku if variation and variation.parent_sku else None


def mint_candidates(proposal_ids: Iterable[uuid.UUID]) -> list[str]:
    """Every ASIN that minting for these listing versions may pick (load which are taken before deciding)."""
    return [asin_rules.candidate(p, attempt) for p in proposal_ids for attempt in range(MINT_ATTEMPTS)]


def may_mint(
    listings: Iterable[ListingBrandCleared], placed: Set[uuid.UUID], asin_by_gtin: Mapping[str, str]
) -> list[uuid.UUID]:
    """Proposals that may need a new ASIN: not placed yet, not an offer on the ASIN matching found, and not
    of a GTIN already in the catalog."""
    return [
        v.proposal_id
        for v in listings
        if v.proposal_id not in placed and v.asin is None and not (v.gtin14 and v.gtin14 in asin_by_gtin)
    ]


def decide(listings: Sequence[ListingBrandCleared], known: Known) -> Plan:
    offers = dict(known.offers)
    asin_by_gtin = dict(known.asin_by_gtin)
    parents = dict(known.parents)
    minted: set[str] = set()
    plan = Plan()
    for listing in listings:
        offer, new_item = offers.get(listing.proposal_id), None
        if offer is None:  # placed before (or earlier in this batch): the same offer again
            offer, new_item = _place(listing, asin_by_gtin, parents, known.taken, minted)
            offers[listing.proposal_id] = offer
            plan.offers.append(offer)
            if new_item is not None:
                plan.new_items.append(new_item)
                for gtin in new_item.gtin14s:  # a later listing of this batch with this GTIN attaches
                    asin_by_gtin[gtin] = new_item.asin
            parents[(listing.seller_id, listing.sku)] = offer.asin  # children later in the batch find it
        parent = parent_sku(listing)
        plan.placed.append(Placed(offer, new_item, parents.get((listing.seller_id, parent)) if parent else None))
    plan.aliases = [(v.alias_gtin14, v.asin) for v in listings if v.alias_gtin14 and v.asin]
    return plan


def _place(
    listing: ListingBrandCleared,
    asin_by_gtin: Mapping[str, str],
    parents: Mapping[tuple[str, str], str],
    taken: Set[str],
    minted: set[str],
) -> tuple[Offer, NewItem | None]:
    placement = place(listing, asin_by_gtin)
    if listing.asin is not None:  # duplicate matching found the item: an offer on it
        placement = Placement(listing.asin, f"matched ({listing.match_kind})")
    parent = parent_sku(listing)
    if placement.asin is not None:
        offer = Offer(
            listing.proposal_id, listing.listing_id, listing.seller_id, listing.sku, placement.asin, False, parent
        )
        return offer, None
    asin = mint(listing.proposal_id, taken, minted)
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
        parent_asin=parents.get((listing.seller_id, parent)) if parent else None,
        variation_theme=variation.theme if variation else None,
        variation_attributes=dict(variation.attributes) if variation else {},
        created_by_listing=listing.listing_id,
        created_by_proposal=listing.proposal_id,
        gtin14s=sorted({i.gtin14 for i in listing.identifiers}),
    )
    offer = Offer(listing.proposal_id, listing.listing_id, listing.seller_id, listing.sku, asin, True, parent)
    return offer, new_item


def mint(proposal_id: uuid.UUID, taken: Set[str], minted: set[str]) -> str:
    """The first candidate of this listing version that is neither an item nor minted earlier in the batch."""
    for attempt in range(MINT_ATTEMPTS):
        candidate = asin_rules.candidate(proposal_id, attempt)
        if candidate not in taken and candidate not in minted:
            minted.add(candidate)
            return candidate
    raise RuntimeError(f"no free ASIN candidate after {MINT_ATTEMPTS} attempts")  # 36^8 space: not expected
