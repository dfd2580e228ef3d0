"""Events about one listing, emitted by the services (DESIGN §2). All are keyed by ``listing_id``."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from asinflow_contracts.events.proposal import ListingProposed
from asinflow_contracts.issues import Issue, Severity


class ListingRef(BaseModel):
    """What every listing event carries to name its listing and the proposal (version) it belongs to."""

    listing_id: uuid.UUID = Field(description="UUIDv5 of (seller_id, sku), see `asinflow_contracts.ids`.")
    seller_id: str = Field(description="The seller.")
    sku: str = Field(description="The seller's SKU.")
    proposal_id: uuid.UUID = Field(description="ce_id of the `listing.proposed` event this version started with.")
    batch_id: str | None = Field(default=None, description="Feed (batch) the proposal came in.")


class NormalisedIdentifier(BaseModel):
    """An identifier after validation."""

    type: str = Field(description="Declared type (UPC, EAN, JAN, ISBN, GTIN).")
    value: str = Field(description="As the seller gave it.")
    kind: str = Field(description="Recognised kind, e.g. UPC-A, EAN-13, ISBN-10, GTIN-14.")
    gtin14: str = Field(description="The identifier normalised to 14 digits.")


class ListingValidated(ListingRef):
    """Identifiers are valid (or an exemption applies) and the data passes the policy checks."""

    gtin14: str | None = Field(default=None, description="The product's GTIN-14, null when exempted.")
    identifiers: list[NormalisedIdentifier] = Field(default_factory=list, description="Normalised identifiers.")
    exemption_id: str | None = Field(default=None, description="The exemption applied, when there is no GTIN.")
    proposal: ListingProposed = Field(description="The proposal as validated.")
    warnings: list[Issue] = Field(default_factory=list, description="Non-blocking issues.")


class ListingRejected(ListingRef):
    """The proposal is rejected: ``code``… describe its first ERROR; ``issues`` lists every issue found."""

    code: str = Field(description="Stable code of the first blocking issue, e.g. IDENTIFIER_INVALID_CHECKSUM.")
    amazon_code: int | None = Field(default=None, description="Reference catalog code, e.g. 8560.")
    message: str = Field(description="What is wrong.")
    attribute: str | None = Field(default=None, description="Offending field.")
    remedy: str = Field(default="", description="What the seller must do next.")
    issues: list[Issue] = Field(description="Every issue found, errors first.")

    @classmethod
    def of(cls, ref: ListingRef, issues: list[Issue]) -> ListingRejected:
        ordered = sorted(issues, key=lambda i: i.severity != Severity.ERROR)
        first = ordered[0]
        return cls(
            **ref.model_dump(),
            code=first.code.value,
            amazon_code=first.amazon_code,
            message=first.message,
            attribute=first.attribute,
            remedy=first.remedy,
            issues=ordered,
        )


class ListingStateChanged(BaseModel):
    """Emitted by the lifecycle ledger whenever a listing's state changes."""

    listing_id: uuid.UUID = Field(description="The listing.")
    seller_id: str = Field(description="The seller.")
    sku: str = Field(description="The SKU.")
    version: int = Field(description="Version of the listing (1 for the first proposal).")
    from_state: str | None = Field(description="State before, null for a new version.")
    to_state: str = Field(description="State after.")
    event_type: str = Field(description="Type of the event that caused the change.")
    event_id: uuid.UUID = Field(description="ce_id of that event.")
    at: datetime = Field(description="When the ledger applied it.")


class ExemptionGranted(BaseModel):
    """A GTIN exemption for a brand (or brand + SKU) was granted; proposals cite it by id."""

    exemption_id: str = Field(description="Id that proposals cite in `exemption_id`.")
    brand: str = Field(description="Brand covered.")
    sku: str | None = Field(default=None, description="Only this SKU when set, the whole brand otherwise.")
    seller_id: str | None = Field(default=None, description="Only for this seller's SKU when set with `sku`.")
