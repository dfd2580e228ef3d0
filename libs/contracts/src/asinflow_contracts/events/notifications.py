"""Notifications for subscribers, in the reference catalog's spirit: what buyers see of a listing
(``listing.status-changed``) and which issues weigh on it (``listing.issues-changed``).

Both are keyed by ``listing_id`` and emitted only on an actual change, each with a per-listing ``sequence`` (1, 2,
… per topic): order one listing's notifications by it. Their ids derive from the event that caused them, so a
replay re-emits the same ids. ``listing.status-changed`` comes from the activation service, which decides
buyability (also when it changes without a lifecycle transition, e.g. the stock of a search-suppressed offer);
``listing.issues-changed`` from the lifecycle ledger, which keeps every issue of the listing (those of
validation, matching, gating, quota and rejection, and the enforcements of the activation service).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from asinflow_contracts.base import Asin, Contract, Count, Id
from asinflow_contracts.ids import listing_id
from asinflow_contracts.issues import Enforcement, Severity

__all__ = ["ListingIssuesChanged", "ListingStatusChanged", "StatusFlag"]


class StatusFlag(StrEnum):
    """One status of a listing; absent means its opposite (no BUYABLE: not buyable)."""

    BUYABLE = "BUYABLE"
    DISCOVERABLE = "DISCOVERABLE"
    DELETED = "DELETED"


class _ListingNotification(Contract):
    listing_id: uuid.UUID = Field(description="UUIDv5 of (seller_id, sku), see `asinflow_contracts.ids`.")
    seller_id: Id = Field(description="The seller.")
    sku: Id = Field(description="The seller's SKU.")
    at: datetime = Field(description="When the change happened (the time of the event that caused it).")
    sequence: Count = Field(
        description="Per-listing sequence number of this topic's notifications (1 for the first): order one "
        "listing's notifications by it."
    )

    @model_validator(mode="after")
    def _names_its_listing(self) -> Self:
        if self.listing_id != listing_id(self.seller_id, self.sku):
            raise ValueError("listing_id is not the listing id of (seller_id, sku)")
        return self


class ListingStatusChanged(_ListingNotification):
    """What buyers see of a listing changed: emitted the first time it is decided (active or inactive, or
    suppressed), and on every change of buyability or discoverability after that (stock-out, restock, suppression,
    reactivation, deletion…)."""

    asin: Asin = Field(description="The listing's ASIN.")
    status: list[StatusFlag] = Field(
        max_length=3,
        description="The statuses that hold now, in the order BUYABLE, DISCOVERABLE, DELETED; empty: neither "
        "buyable nor discoverable. A search-suppressed offer in stock is [BUYABLE]; a deleted one [DELETED].",
    )
    previous: list[StatusFlag] | None = Field(
        default=None, max_length=3, description="The statuses notified before this one; null for the first."
    )


class ListingIssuesChanged(_ListingNotification):
    """The issues weighing on a listing changed: a severity or an enforcement action appeared or went away.
    Emitted when either set changes; both empty when everything is resolved (a listing that never had an issue
    gets no notification)."""

    asin: Asin | None = Field(default=None, description="The listing's ASIN, null before it is created.")
    version: Count = Field(description="The listing version whose issues these are (the latest one).")
    severities: list[Severity] = Field(
        max_length=3, description="Severities of the issues present, in the order ERROR, WARNING, INFO."
    )
    enforcement_actions: list[Enforcement] = Field(
        max_length=3,
        description="Enforcement actions of the issues present (LISTING_SUPPRESSED, SEARCH_SUPPRESSED, "
        "CATALOG_ITEM_REMOVED), exempted ones included: the issues in `asinflow listing show` tell which exemption "
        "holds one back, `listing.status-changed` what buyers see.",
    )
