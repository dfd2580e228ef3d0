"""Activation events: what downstream subscribers rely on to know whether a listing is buyable.

Every event names the listing (``listing_id``, ``seller_id``, ``sku``), its ``asin``, a machine-readable
``reason`` and whether the listing is ``buyable`` and ``discoverable`` afterwards. Subscribers who only want to
know what buyers see follow ``listing.status-changed`` (``asinflow_contracts.events.notifications``).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import Field

from asinflow_contracts.base import Asin, Count, Id, Name, Quantity, Text, TextList
from asinflow_contracts.events.listing import ListingRef
from asinflow_contracts.events.operations import Enforcement, Scope, ViolationKind
from asinflow_contracts.issues import Issue


class ActivationReason(StrEnum):
    CREATED_WITH_STOCK = "CREATED_WITH_STOCK"
    RESTOCKED = "RESTOCKED"


class DeactivationReason(StrEnum):
    OUT_OF_STOCK = "OUT_OF_STOCK"


class ActivationEvent(ListingRef):
    asin: Asin = Field(description="The listing's ASIN.")
    buyable: bool = Field(description="Can buyers purchase this offer now?")
    discoverable: bool = Field(description="Does the offer show in search and browse now?")
    quantity: Quantity | None = Field(default=None, description="Sellable quantity known to the activation service.")
    sequence: Count = Field(
        default=0,
        description="Per-listing sequence number of activation events: order one listing's events by it, "
        "across the activated/deactivated/suppressed/reactivated topics.",
    )


class ListingActivated(ActivationEvent):
    """The listing is live: it has stock and nothing suppresses it."""

    reason: ActivationReason = Field(description="CREATED_WITH_STOCK or RESTOCKED.")


class ListingDeactivated(ActivationEvent):
    """The listing is inactive (not buyable) for an operational reason such as a stock-out."""

    reason: DeactivationReason = Field(description="OUT_OF_STOCK.")


class ListingSuppressed(ActivationEvent):
    """A policy action suppresses the listing until a reactivation is approved. Emitted for the first violation,
    for every further violation reported on a suppressed listing (a stricter one changes what buyers see), and
    when an approval resolves some but not all of the open violations (it then names the strictest one left)."""

    reason: ViolationKind = Field(description="COUNTERFEIT, IP_COMPLAINT, REVIEW_MANIPULATION, VARIATION_ABUSE…")
    enforcement: Enforcement = Field(description="LISTING_SUPPRESSED, SEARCH_SUPPRESSED or CATALOG_ITEM_REMOVED.")
    scope: Scope = Field(description="LISTING, or ASIN when every listing of the ASIN is suppressed.")
    violation_id: Id = Field(description="The report that caused it; a reactivation request cites it.")
    reporter: Name = Field(description="Who reported the violation.")
    evidence: TextList = Field(default_factory=list, description="Evidence of the report.")
    exempt_until: date | None = Field(default=None, description="Enforcement exemption: not applied until then.")
    issues: list[Issue] = Field(
        default_factory=list,
        max_length=100,
        description="Every enforcement issue open on the listing after this event, strictest first: one per "
        "violation, with its enforcement actions and exemption (the 100 strictest when more are open). A "
        "reactivation resolves them all.",
    )


class ListingReactivated(ActivationEvent):
    """An approved reactivation lifted the suppression; the root cause fix is recorded."""

    reason: Literal["REACTIVATION_APPROVED"] = Field(
        default="REACTIVATION_APPROVED", description="REACTIVATION_APPROVED."
    )
    request_id: Id = Field(description="The approved request.")
    violation_ids: list[Id] = Field(max_length=1_000, description="Violations resolved.")
    root_cause_fix: Text = Field(description="The fix the seller named.")
    decided_by: Name = Field(description="Who approved it.")


class ListingDeleted(ActivationEvent):
    """The seller closed the listing: not buyable, not discoverable, its offer leaves its ASIN (the catalog takes
    it off). The lifecycle ledger moves the version to ``deleted``; a later proposal starts a new version."""

    requested_by: Name = Field(description="Who asked for the deletion.")
    reason: Text = Field(default="", description="Why, as the request said.")
