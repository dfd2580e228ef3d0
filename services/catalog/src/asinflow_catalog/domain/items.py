"""What the catalog records: items (ASINs with their product data) and offers (listing versions on them)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class NewItem:
    asin: str
    brand: str
    manufacturer: str | None
    title: str
    product_type: str
    model_number: str | None
    part_number: str | None
    parent_asin: str | None
    variation_theme: str | None
    variation_attributes: dict[str, str]
    created_by_listing: uuid.UUID
    created_by_proposal: uuid.UUID
    gtin14s: list[str]


@dataclass(frozen=True)
class Offer:
    proposal_id: uuid.UUID
    listing_id: uuid.UUID
    seller_id: str
    sku: str
    asin: str
    new_asin: bool
    parent_sku: str | None


@dataclass(frozen=True)
class ChildLink:
    """A listing now on ``asin``: items minted for children that name (seller_id, sku) as their parent point
    at it (children created before their parent)."""

    seller_id: str
    sku: str
    asin: str
