"""``listing.proposed`` v1: what upstream systems publish, and one line of a JSON Lines feed (DESIGN §6)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

IdentifierType = Literal["UPC", "EAN", "JAN", "ISBN", "GTIN"]


class ProductIdentifier(BaseModel):
    """A product identifier as the seller typed it; validation normalises it to GTIN-14."""

    model_config = ConfigDict(frozen=True)

    type: IdentifierType = Field(description="UPC, EAN, JAN, ISBN or GTIN.")
    value: str = Field(max_length=64, description="The code, digits with optional spaces or hyphens.")


class Variation(BaseModel):
    """Parent/child link of a variation family; null for a standalone product."""

    parent_sku: str | None = Field(default=None, max_length=200, description="SKU of the parent listing.")
    theme: str | None = Field(default=None, max_length=100, description="Variation theme, e.g. `Color`.")
    attributes: dict[str, str] = Field(default_factory=dict, description="Theme attribute values.")


class Price(BaseModel):
    """Offer price."""

    amount: Decimal = Field(ge=0, description="Amount as a decimal string, e.g. `59.90`.")
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217 currency code.")


class ListingProposed(BaseModel):
    """A seller proposes a listing: one product offered under one SKU. Unknown fields are kept."""

    model_config = ConfigDict(extra="allow")

    seller_id: NonEmpty = Field(description="The seller's id; with `sku`, the listing's identity.")
    sku: NonEmpty = Field(description="The seller's stock keeping unit.")
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] = Field(
        description="Product title, at most 500 characters."
    )
    brand: NonEmpty = Field(description="Brand name as printed on the product.")
    product_type: NonEmpty = Field(description="Product type, e.g. `HEADPHONES`.")
    manufacturer: str | None = Field(default=None, max_length=200, description="Manufacturer name.")
    description: str | None = Field(default=None, max_length=10_000, description="Description, ≤ 10 000 chars.")
    model_number: str | None = Field(default=None, max_length=100, description="Manufacturer model number.")
    part_number: str | None = Field(default=None, max_length=100, description="Manufacturer part number.")
    identifiers: list[ProductIdentifier] = Field(
        default_factory=list, max_length=10, description="Up to 10 product identifiers."
    )
    exemption_id: str | None = Field(
        default=None,
        max_length=100,
        description="Id of a GTIN exemption covering this brand (or brand + SKU).",
    )
    variation: Variation | None = Field(default=None, description="Parent/child link, null when standalone.")
    package_quantity: int = Field(default=1, ge=1, le=10_000, description="Units in the package.")
    manufacturer_multipack: bool = Field(default=False, description="Packaged as a multipack by the manufacturer.")
    images: list[str] = Field(default_factory=list, max_length=20, description="Image URLs, at most 20.")
    batch_id: str | None = Field(default=None, max_length=200, description="Feed (batch) this line belongs to.")
    quantity: int | None = Field(default=None, ge=0, description="Sellable quantity in stock.")
    price: Price | None = Field(default=None, description="Offer price.")
    priority: int = Field(default=0, description="Higher is released first when the quota throttles.")
