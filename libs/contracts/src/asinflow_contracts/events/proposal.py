"""``listing.proposed`` v1: what upstream systems publish, and one line of a JSON Lines feed (DESIGN §6)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from asinflow_contracts.base import Contract, Part, Quantity
from asinflow_contracts.bounds import free_form
from asinflow_contracts.limits import MAX_MONEY, MAX_PRIORITY, MIN_PRIORITY, MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

IdentifierType = Literal["UPC", "EAN", "JAN", "ISBN", "GTIN"]


class ProductIdentifier(Part):
    """A product identifier as the seller typed it; validation normalises it to GTIN-14."""

    model_config = ConfigDict(frozen=True)

    type: IdentifierType = Field(description="UPC, EAN, JAN, ISBN or GTIN.")
    value: str = Field(max_length=64, description="The code, digits with optional spaces or hyphens.")


class Variation(Part):
    """Parent/child link of a variation family; null for a standalone product."""

    parent_sku: str | None = Field(default=None, max_length=200, description="SKU of the parent listing.")
    theme: str | None = Field(default=None, max_length=100, description="Variation theme, e.g. `Color`.")
    attributes: dict[
        Annotated[str, StringConstraints(max_length=100)], Annotated[str, StringConstraints(max_length=200)]
    ] = Field(default_factory=dict, max_length=20, description="Theme attribute values (at most 20).")


class Price(Part):
    """Offer price."""

    amount: Decimal = Field(
        ge=0,
        le=MAX_MONEY,
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        allow_inf_nan=False,
        description="Amount as a decimal string, e.g. `59.90`; at most 4 decimals.",
    )
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217 currency code.")


class ListingProposed(Contract):
    """A seller proposes a listing: one product offered under one SKU. Unknown fields are kept (within the
    body's bounds: at most 256 KiB, nested at most 32 levels, no NUL characters, integers within 64 bits)."""

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
    images: list[Annotated[str, StringConstraints(max_length=2_000)]] = Field(
        default_factory=list, max_length=20, description="Image URLs, at most 20, each at most 2,000 characters."
    )
    batch_id: str | None = Field(default=None, max_length=200, description="Feed (batch) this line belongs to.")
    quantity: Quantity | None = Field(default=None, description="Sellable quantity in stock (0 … 999,999,999).")
    price: Price | None = Field(default=None, description="Offer price.")
    priority: int = Field(
        default=0,
        ge=MIN_PRIORITY,
        le=MAX_PRIORITY,
        description="Higher is released first when the quota throttles (-1,000,000 … 1,000,000).",
    )

    @model_validator(mode="after")
    def _unknown_fields_within_bounds(self) -> Self:
        """Unknown fields are kept, within the bounds (checked here even when the body skipped the whole walk)."""
        free_form(self.__pydantic_extra__)
        return self
