"""The brand registry (DESIGN §2, §4 "Brand gating"): every change is one of these events.

Upstream systems and the CLI publish them; the brand-gating service owns the registry, applies them in
order per brand (message key = the brand's normalised key, see ``asinflow_brands.brand_key``) and keeps
each one in the registry's history, applied or refused with the reason. Replaying them rebuilds the
registry. ``by`` names who acts: ``"operator"`` or a seller id; a change that only the brand owner or an
operator may make is refused when anyone else makes it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from asinflow_contracts.base import Asin, Contract, Gtin14, Id, Name, Part, Text
from asinflow_contracts.events.listing import ListingValidated

Skus = Annotated[list[Id], Field(max_length=1_000)]
Url = Annotated[str, StringConstraints(min_length=1, max_length=2_000)]

OPERATOR = "operator"


class BrandRegistered(Contract):
    """A brand enters the registry with its owner (made by an operator)."""

    brand: str = Field(description="Display name; compared on its normalised key.", min_length=1, max_length=200)
    owner_seller_id: Id = Field(description="The seller that owns the brand (the rights owner).")
    by: Name = Field(default=OPERATOR, description="Who registers it: `operator`.")


class BrandAuthorizationGranted(Contract):
    """The brand owner (or an operator) authorises a seller to create new ASINs for the brand."""

    brand: Name = Field(description="The registered brand.")
    seller_id: Id = Field(description="The seller authorised.")
    skus: Skus | None = Field(default=None, description="Only these SKUs when set; every SKU when null.")
    by: Name = Field(description="The brand owner's seller id or `operator`.")


class BrandAuthorizationRevoked(Contract):
    """The authorisation ends: the seller's new-ASIN listings for the brand are gated again."""

    brand: Name = Field(description="The registered brand.")
    seller_id: Id = Field(description="The seller whose authorisation ends.")
    by: Name = Field(description="The brand owner's seller id or `operator`.")
    reason: Text = Field(default="", description="Why, for the history.")


class BrandPrefixRegistered(Contract):
    """A GS1 company prefix licensed by the brand owner: GTINs with it belong to this brand."""

    brand: Name = Field(description="The registered brand.")
    prefix: str = Field(description="GS1 company prefix, 6–12 digits, as in the GTIN-13.", pattern=r"^[0-9]{6,12}$")
    by: Name = Field(description="The brand owner's seller id or `operator`.")


class ExemptionRevoked(Contract):
    """A GTIN exemption ends: proposals citing it are rejected IDENTIFIER_MISSING from then on."""

    exemption_id: str = Field(description="The exemption.", min_length=1, max_length=100)
    brand: Name = Field(description="Brand it covered.")
    by: Name = Field(default=OPERATOR, description="`operator`.")
    reason: Text = Field(default="", description="Why, for the history.")


class ApprovalImage(Part):
    url: Url = Field(description="Where the image is.")
    view: Literal["front", "back", "barcode", "other"] = Field(description="What it shows.")


class ApprovalIdentifier(Part):
    type: str = Field(max_length=10, description="UPC, EAN or JAN.")
    value: str = Field(max_length=64, description="As printed on the product.")


class ApprovalEvidence(Part):
    """What a seller supplies to be approved for a brand (every field is checked; missing ones are listed)."""

    title: str | None = Field(default=None, max_length=500, description="Product title, with its variations.")
    brand: str | None = Field(default=None, max_length=200, description="Brand as printed on the product.")
    manufacturer: str | None = Field(default=None, max_length=200, description="Manufacturer.")
    category: str | None = Field(default=None, max_length=200, description="Category / product type.")
    description: str | None = Field(default=None, max_length=10_000, description="Product description.")
    sku: str | None = Field(default=None, max_length=200, description="The seller's SKU.")
    identifiers: list[ApprovalIdentifier] = Field(
        default_factory=list, max_length=10, description="UPC/EAN/JAN of the product."
    )
    batch_id: str | None = Field(
        default=None, max_length=200, description="Batch or lot id from the product or invoice."
    )
    images: list[ApprovalImage] = Field(
        default_factory=list, max_length=20, description="Product images: front and back, one showing the barcode."
    )


class BrandApprovalRequested(Contract):
    """A seller asks to be approved for a brand, with the evidence."""

    request_id: Id = Field(description="Id of the request (chosen by the requester, unique).")
    brand: Name = Field(description="The registered brand.")
    seller_id: Id = Field(description="The seller asking.")
    skus: Skus | None = Field(default=None, description="Only for these SKUs when set.")
    evidence: ApprovalEvidence = Field(description="The evidence supplied.")


class BrandApprovalDecided(Contract):
    """The brand owner or an operator decides a request; an approval authorises the seller."""

    request_id: Id = Field(description="The request decided.")
    brand: Name = Field(description="Its brand.")
    decision: Literal["approved", "rejected"] = Field(description="The decision.")
    by: Name = Field(description="The brand owner's seller id or `operator`.")
    skus: Skus | None = Field(
        default=None, description="Approve only these SKUs (default: those of the request, else every SKU)."
    )
    reason: Text = Field(default="", description="Why, shown to the seller.")


class ListingBrandCleared(ListingValidated):
    """Brand gating let the listing through: an offer on ``asin``, or a new ASIN the seller may create."""

    asin: Asin | None = Field(default=None, description="The existing catalog item of an offer; null: a new ASIN.")
    match_kind: Literal["GTIN", "MODEL", "TITLE"] | None = Field(
        default=None, description="How duplicate matching found ``asin``."
    )
    alias_gtin14: Gtin14 | None = Field(default=None, description="A GTIN to record as an alias of ``asin``.")
    clearance: Literal["offer", "owner", "authorized", "unregistered"] = Field(
        description="Why it may pass: an offer on an existing ASIN, the brand owner, an authorised seller, "
        "or a brand that is not in the registry."
    )
