"""Events of the catalog (ASIN registry): a listing attached to an ASIN, and new catalog items."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from asinflow_contracts.events.listing import ListingRef

Asin = Annotated[str, StringConstraints(pattern=r"^B0[0-9A-Z]{8}$")]


class ListingCreated(ListingRef):
    """The listing is attached to an ASIN: an offer on an existing catalog item, or a newly minted one."""

    asin: Asin = Field(description="The catalog item (ASIN: `B0` + 8 upper-case alphanumerics).")
    new_asin: bool = Field(description="True when this listing's product was new and the ASIN was minted for it.")
    gtin14: str | None = Field(default=None, description="The listing's GTIN-14, null when exempted.")
    quantity: int | None = Field(default=None, description="Sellable quantity given in the proposal.")
    parent_asin: str | None = Field(default=None, description="ASIN of the variation parent, for a child.")


class CatalogItemCreated(BaseModel):
    """A new catalog item (ASIN) with the product data it was created from. Keyed by ASIN."""

    asin: Asin = Field(description="The new ASIN.")
    brand: str = Field(description="Brand.")
    manufacturer: str | None = Field(default=None, description="Manufacturer.")
    title: str = Field(description="Title.")
    product_type: str = Field(description="Product type.")
    model_number: str | None = Field(default=None, description="Model number.")
    part_number: str | None = Field(default=None, description="Part number.")
    gtin14s: list[str] = Field(default_factory=list, description="GTIN-14s that identify this item.")
    parent_asin: str | None = Field(default=None, description="Variation parent, if any.")
    variation_theme: str | None = Field(default=None, description="Variation theme of a child.")
    variation_attributes: dict[str, str] = Field(default_factory=dict, description="Theme values of a child.")
    created_by_listing: uuid.UUID = Field(description="The listing whose proposal created the item.")
