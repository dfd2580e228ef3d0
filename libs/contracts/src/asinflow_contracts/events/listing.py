"""Events about one listing, emitted by the services (DESIGN §2). All are keyed by ``listing_id``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Self

from pydantic import Field, model_validator

from asinflow_contracts.base import Contract, Count, Gtin14, Id, Name, Part, Text
from asinflow_contracts.events.proposal import ListingProposed
from asinflow_contracts.ids import listing_id
from asinflow_contracts.issues import Issue, IssueCode, Severity
from asinflow_contracts.state_machine import ListingState


class ListingRef(Contract):
    """What every listing event carries to name its listing and the proposal (version) it belongs to."""

    listing_id: uuid.UUID = Field(description="UUIDv5 of (seller_id, sku), see `asinflow_contracts.ids`.")
    seller_id: Id = Field(description="The seller.")
    sku: Id = Field(description="The seller's SKU.")
    proposal_id: uuid.UUID = Field(description="ce_id of the `listing.proposed` event this version started with.")
    batch_id: str | None = Field(default=None, max_length=200, description="Feed (batch) the proposal came in.")

    @model_validator(mode="after")
    def _names_its_listing(self) -> Self:
        if self.listing_id != listing_id(self.seller_id, self.sku):
            raise ValueError("listing_id is not the listing id of (seller_id, sku)")
        return self


class NormalisedIdentifier(Part):
    """An identifier after validation."""

    type: str = Field(max_length=10, description="Declared type (UPC, EAN, JAN, ISBN, GTIN).")
    value: str = Field(max_length=64, description="As the seller gave it.")
    kind: str = Field(max_length=20, description="Recognised kind, e.g. UPC-A, EAN-13, ISBN-10, GTIN-14.")
    gtin14: Gtin14 = Field(description="The identifier normalised to 14 digits.")


class ListingValidated(ListingRef):
    """Identifiers are valid (or an exemption applies) and the data passes the policy checks."""

    gtin14: Gtin14 | None = Field(default=None, description="The product's GTIN-14, null when exempted.")
    identifiers: list[NormalisedIdentifier] = Field(
        default_factory=list, max_length=10, description="Normalised identifiers."
    )
    exemption_id: str | None = Field(
        default=None, max_length=100, description="The exemption applied, when there is no GTIN."
    )
    proposal: ListingProposed = Field(description="The proposal as validated.")
    warnings: list[Issue] = Field(default_factory=list, max_length=100, description="Non-blocking issues.")


class ListingRejected(ListingRef):
    """The proposal is rejected: ``code``… describe its first ERROR; ``issues`` lists every issue found."""

    code: IssueCode = Field(description="Stable code of the first blocking issue, e.g. IDENTIFIER_INVALID_CHECKSUM.")
    amazon_code: int | None = Field(default=None, ge=0, le=99_999, description="Reference catalog code, e.g. 8560.")
    message: Text = Field(description="What is wrong.")
    attribute: str | None = Field(default=None, max_length=1_000, description="Offending field.")
    remedy: Text = Field(default="", description="What the seller must do next.")
    issues: list[Issue] = Field(min_length=1, max_length=100, description="Every issue found, errors first.")

    @classmethod
    def of(cls, ref: ListingRef, issues: list[Issue]) -> ListingRejected:
        ordered = sorted(issues, key=lambda i: i.severity != Severity.ERROR)
        first = ordered[0]
        return cls(
            **ref.model_dump(),
            code=first.code,
            amazon_code=first.amazon_code,
            message=first.message,
            attribute=first.attribute,
            remedy=first.remedy,
            issues=ordered,
        )


class ListingStateChanged(Contract):
    """Emitted by the lifecycle ledger whenever a listing's state changes."""

    listing_id: uuid.UUID = Field(description="The listing.")
    seller_id: Id = Field(description="The seller.")
    sku: Id = Field(description="The SKU.")
    version: Count = Field(description="Version of the listing (1 for the first proposal).")
    from_state: ListingState | None = Field(description="State before, null for a new version.")
    to_state: ListingState = Field(description="State after.")
    event_type: Name = Field(description="Type of the event that caused the change.")
    event_id: uuid.UUID = Field(description="ce_id of that event.")
    at: datetime = Field(description="When the ledger applied it.")


class ExemptionGranted(Contract):
    """A GTIN exemption for a brand (or brand + SKU) was granted; proposals cite it by id."""

    exemption_id: str = Field(min_length=1, max_length=100, description="Id that proposals cite in `exemption_id`.")
    brand: Name = Field(description="Brand covered.")
    sku: Id | None = Field(default=None, description="Only this SKU when set, the whole brand otherwise.")
    seller_id: Id | None = Field(default=None, description="Only for this seller's SKU when set with `sku`.")
