"""Events of the catalog (ASIN registry): a listing attached to an ASIN, and new catalog items."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import Field, StringConstraints

from asinflow_contracts.base import Asin, Contract, Gtin14, Name, Quantity
from asinflow_contracts.events.listing import ListingRef

__all__ = ["Asin", "CatalogItemCreated", "ListingCreated"]


class ListingCreated(ListingRef):
    """The listing is attached to an ASIN: an offer on an existing catalog item, or a newly minted one."""

    asin: Asin = Field(description="The catalog item (ASIN: `B0` + 8 upper-case alphanumerics).")
    new_asin: bool = Field(description="True when this listing's product was new and the ASIN was minted for it.")
    gtin14: Gtin14 | None = Field(default=None, description="The listing's GTIN-14, null when exempted.")
    quantity: Quantity | None = Field(default=None, description="Sellable quantity given in the proposal.")
    parent_asin: Asin | None = Field(default=None, description="ASIN of the variation parent, for a child.")


class CatalogItemCreated(Contract):
    """A new catalog item (ASIN) with the product data it was created from. Keyed by ASIN."""

    asin: Asin = Field(description="The new ASIN.")
    brand: Name = Field(description="Brand.")
    manufacturer: str | None = Field(default=None, max_length=200, description="Manufacturer.")
    title: str = Field(min_length=1, max_length=500, description="Title.")
    product_type: Name = Field(description="Product type.")
    model_number: str | None = Field(default=None, max_length=100, description="Model number.")
    part_number: str | None = Field(default=None, max_length=100, description="Part number.")
    gtin14s: list[Gtin14] = Field(default_factory=list, max_length=10, description="GTIN-14s that identify this item.")
    parent_asin: Asin | None = Field(default=None, description="Variation parent, if any.")
    variation_theme: str | None = Field(default=None, max_length=100, description="Variation theme of a child.")
    variation_attributes: dict[
        Annotated[str, StringConstraints(max_length=100)], Annotated[str, StringConstraints(max_length=200)]
    ] = Field(default_factory=dict, max_length=20, description="Theme values of a child.")
    created_by_listing: uuid.UUID = Field(description="The listing whose proposal created the item.")
