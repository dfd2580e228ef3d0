"""Where a validated listing goes: an offer on an existing catalog item, or a new item (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from asinflow_contracts.events import ListingValidated


@dataclass(frozen=True)
class Placement:
    """``asin`` set: attach to that existing item. ``asin`` None: mint a new item for this listing."""

    asin: str | None
    why: str


def place(listing: ListingValidated, asin_by_gtin: Mapping[str, str]) -> Placement:
    """GTIN-14 already in the catalog → that ASIN; otherwise a new item.

    (Matching on brand + model and on title/attributes is the duplicate-matching service's job; until it
    exists the catalog attaches on identical GTINs only.)
    """
    if listing.gtin14 and listing.gtin14 in asin_by_gtin:
        return Placement(asin_by_gtin[listing.gtin14], f"GTIN-14 {listing.gtin14} is already in the catalog")
    if listing.gtin14:
        return Placement(None, f"GTIN-14 {listing.gtin14} is new to the catalog")
    return Placement(None, f"no GTIN (exemption {listing.exemption_id}): a new item")
