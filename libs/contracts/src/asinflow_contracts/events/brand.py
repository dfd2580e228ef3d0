"""The brand registry (DESIGN §2, §4 "Brand gating"): every change is one of these events.

Upstream systems and the CLI publish them; the brand-gating service owns the registry, applies them in
order per brand (message key = the brand's normalised key, see ``asinflow_brands.brand_key``) and keeps
each one in the registry's history, applied or refused with the reason. Replaying them rebuilds the
registry. ``by`` names who acts: ``"operator"`` or a seller id; a change that only the brand owner or an
operator may make is refused when anyone else makes it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from asinflow_contracts.events.listing import ListingValidated

OPERATOR = "operator"


class BrandRegistered(BaseModel):
    """A brand enters the registry with its owner (made by an operator)."""

    brand: str = Field(description="Display name; compared on its normalised key.", min_length=1, max_length=200)
    owner_seller_id: str = Field(description="The seller that owns the brand (the rights owner).", min_length=1)
    by: str = Field(default=OPERATOR, description="Who registers it: `operator`.")


class BrandAuthorizationGranted(BaseModel):
    """The brand owner (or an operator) authorises a seller to create new ASINs for the brand."""

    brand: str = Field(description="The registered brand.", min_length=1)
    seller_id: str = Field(description="The seller authorised.", min_length=1)
    skus: list[str] | None = Field(default=None, description="Only these SKUs when set; every SKU when null.")
    by: str = Field(description="The brand owner's seller id or `operator`.", min_length=1)


class BrandAuthorizationRevoked(BaseModel):
    """The authorisation ends: the seller's new-ASIN listings for the brand are gated again."""

    brand: str = Field(description="The registered brand.", min_length=1)
    seller_id: str = Field(description="The seller whose authorisation ends.", min_length=1)
    by: str = Field(description="The brand owner's seller id or `operator`.", min_length=1)
    reason: str = Field(default="", description="Why, for the history.")


class BrandPrefixRegistered(BaseModel):
    """A GS1 company prefix licensed by the brand owner: GTINs with it belong to this brand."""

    brand: str = Field(description="The registered brand.", min_length=1)
    prefix: str = Field(description="GS1 company prefix, 6–12 digits, as in the GTIN-13.", pattern=r"^[0-9]{6,12}$")
    by: str = Field(description="The brand owner's seller id or `operator`.", min_length=1)


class ExemptionRevoked(BaseModel):
    """A GTIN exemption ends: proposals citing it are rejected IDENTIFIER_MISSING from then on."""

    exemption_id: str = Field(description="The exemption.", min_length=1)
    brand: str = Field(description="Brand it covered.", min_length=1)
    by: str = Field(default=OPERATOR, description="`operator`.")
    reason: str = Field(default="", description="Why, for the history.")


class ApprovalImage(BaseModel):
    url: str = Field(description="Where the image is.", min_length=1)
    view: Literal["front", "back", "barcode", "other"] = Field(description="What it shows.")


class ApprovalIdentifier(BaseModel):
    type: str = Field(description="UPC, EAN or JAN.")
    value: str = Field(description="As printed on the product.")


class ApprovalEvidence(BaseModel):
    """What a seller supplies to be approved for a brand (every field is checked; missing ones are listed)."""

    title: str | None = Field(default=None, description="Product title, with its variations.")
    brand: str | None = Field(default=None, description="Brand as printed on the product.")
    manufacturer: str | None = Field(default=None, description="Manufacturer.")
    category: str | None = Field(default=None, description="Category / product type.")
    description: str | None = Field(default=None, description="Product description.")
    sku: str | None = Field(default=None, description="The seller's SKU.")
    identifiers: list[ApprovalIdentifier] = Field(default_factory=list, description="UPC/EAN/JAN of the product.")
    batch_id: str | None = Field(default=None, description="Batch or lot id from the product or invoice.")
    images: list[ApprovalImage] = Field(
        default_factory=list, description="Product images: front and back, one showing the barcode."
    )


class BrandApprovalRequested(BaseModel):
    """A seller asks to be approved for a brand, with the evidence."""

    request_id: str = Field(description="Id of the request (chosen by the requester, unique).", min_length=1)
    brand: str = Field(description="The registered brand.", min_length=1)
    seller_id: str = Field(description="The seller asking.", min_length=1)
    skus: list[str] | None = Field(default=None, description="Only for these SKUs when set.")
    evidence: ApprovalEvidence = Field(description="The evidence supplied.")


class BrandApprovalDecided(BaseModel):
    """The brand owner or an operator decides a request; an approval authorises the seller."""

    request_id: str = Field(description="The request decided.", min_length=1)
    brand: str = Field(description="Its brand.", min_length=1)
    decision: Literal["approved", "rejected"] = Field(description="The decision.")
    by: str = Field(description="The brand owner's seller id or `operator`.", min_length=1)
    skus: list[str] | None = Field(
        default=None, description="Approve only these SKUs (default: those of the request, else every SKU)."
    )
    reason: str = Field(default="", description="Why, shown to the seller.")


class ListingBrandCleared(ListingValidated):
    """Brand gating let the listing through: an offer on ``asin``, or a new ASIN the seller may create."""

    asin: str | None = Field(default=None, description="The existing catalog item of an offer; null: a new ASIN.")
    match_kind: str | None = Field(default=None, description="How duplicate matching found ``asin``.")
    alias_gtin14: str | None = Field(default=None, description="A GTIN to record as an alias of ``asin``.")
    clearance: Literal["offer", "owner", "authorized", "unregistered"] = Field(
        description="Why it may pass: an offer on an existing ASIN, the brand owner, an authorised seller, "
        "or a brand that is not in the registry."
    )
