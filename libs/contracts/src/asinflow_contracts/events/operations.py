"""Events that upstream systems and operators publish about live listings: stock, policy, reactivation, deletion."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field, model_validator

from asinflow_contracts.base import Asin, Contract, Id, Name, Quantity, Text, TextList
from asinflow_contracts.issues import Enforcement

__all__ = [
    "Enforcement",
    "InventoryUpdated",
    "ListingDeletionRequested",
    "PolicyViolationReported",
    "ReactivationDecided",
    "ReactivationRequested",
    "Scope",
    "ViolationKind",
]


class ViolationKind(StrEnum):
    COUNTERFEIT = "COUNTERFEIT"
    IP_COMPLAINT = "IP_COMPLAINT"
    REVIEW_MANIPULATION = "REVIEW_MANIPULATION"
    VARIATION_ABUSE = "VARIATION_ABUSE"
    PRIVILEGES_WITHDRAWN = "PRIVILEGES_WITHDRAWN"


class Scope(StrEnum):
    LISTING = "LISTING"
    ASIN = "ASIN"


class InventoryUpdated(Contract):
    """Sellable quantity of one listing (keyed by listing id)."""

    seller_id: Id = Field(description="The seller.")
    sku: Id = Field(description="The SKU.")
    quantity: Quantity = Field(description="Sellable quantity now (0 … 999,999,999); 0 makes the listing inactive.")
    update_id: Id | None = Field(default=None, description="Upstream id of this update, if any.")


class PolicyViolationReported(Contract):
    """A policy violation on one listing or on an ASIN (then every listing of it); keyed by listing id or ASIN."""

    violation_id: Id = Field(description="Id of the report; reactivation requests cite it.")
    kind: ViolationKind = Field(description="Counterfeit, IP complaint, review manipulation, variation abuse…")
    scope: Scope = Field(default=Scope.LISTING, description="LISTING (seller_id + sku) or ASIN (asin).")
    seller_id: Id | None = Field(default=None, description="For a listing-level report.")
    sku: Id | None = Field(default=None, description="For a listing-level report.")
    asin: Asin | None = Field(default=None, description="For an ASIN-level report.")
    enforcement: Enforcement | None = Field(
        default=None,
        description="What to take away; default LISTING_SUPPRESSED, CATALOG_ITEM_REMOVED for ASIN scope.",
    )
    evidence: TextList = Field(min_length=1, description="What shows the violation (links, order ids, notes).")
    reporter: Name = Field(description="Who reports it (rights owner, system, operator).")
    exempt_until: date | None = Field(
        default=None, description="The enforcement is recorded but not applied to buyers until this date."
    )

    @model_validator(mode="after")
    def _target(self) -> PolicyViolationReported:
        if self.scope == Scope.LISTING and not (self.seller_id and self.sku):
            raise ValueError("a listing-level report names seller_id and sku")
        if self.scope == Scope.ASIN and not self.asin:
            raise ValueError("an ASIN-level report names the asin")
        return self

    def effective_enforcement(self) -> Enforcement:
        if self.enforcement is not None:
            return self.enforcement
        return Enforcement.CATALOG_ITEM_REMOVED if self.scope == Scope.ASIN else Enforcement.LISTING_SUPPRESSED


class ReactivationRequested(Contract):
    """A seller asks to lift a suppression, naming how the root cause was fixed (keyed by listing id)."""

    request_id: Id = Field(description="Id of the request; the decision cites it.")
    seller_id: Id = Field(description="The seller.")
    sku: Id = Field(description="The suppressed listing's SKU.")
    violation_ids: list[Id] = Field(
        default_factory=list, max_length=1_000, description="Violations addressed; empty: all open."
    )
    root_cause_fix: Text = Field(min_length=10, description="What was fixed at the root cause, in words.")
    evidence: TextList = Field(default_factory=list, description="Invoices, authorisations, photos…")


class ReactivationDecided(Contract):
    """An operator's decision on a reactivation request (keyed by listing id)."""

    request_id: Id = Field(description="The request decided.")
    seller_id: Id = Field(description="The seller.")
    sku: Id = Field(description="The SKU.")
    approved: bool = Field(description="True lifts the suppression(s) the request addressed.")
    decided_by: Name = Field(description="Operator or brand owner who decided.")
    note: Text = Field(default="", description="Why.")


class ListingDeletionRequested(Contract):
    """The seller (or an operator for it) closes a listing: its offer leaves its ASIN, it is no longer buyable nor
    discoverable (keyed by listing id). A later proposal of the same SKU starts a new version. Deleting a listing
    that is not in the catalog, or is deleted already, is refused and recorded (`asinflow listing show`)."""

    seller_id: Id = Field(description="The seller.")
    sku: Id = Field(description="The SKU of the listing to delete.")
    requested_by: Name = Field(description="Who asks: the seller, or an operator acting for it.")
    reason: Text = Field(default="", description="Why, in words (kept with the deletion).")
