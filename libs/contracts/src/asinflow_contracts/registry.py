"""Registry from event type (= topic name) to its pydantic model; feeds the AsyncAPI document."""

from __future__ import annotations

from pydantic import BaseModel

from asinflow_contracts import topics
from asinflow_contracts.events import (
    CatalogItemCreated,
    ExemptionGranted,
    InventoryUpdated,
    ListingActivated,
    ListingCreated,
    ListingDeactivated,
    ListingMatched,
    ListingProposed,
    ListingReactivated,
    ListingRejected,
    ListingStateChanged,
    ListingSuppressed,
    ListingUnmatched,
    ListingValidated,
    PolicyViolationReported,
    ReactivationDecided,
    ReactivationRequested,
)

EVENT_MODELS: dict[str, type[BaseModel]] = {
    topics.LISTING_PROPOSED: ListingProposed,
    topics.LISTING_VALIDATED: ListingValidated,
    topics.LISTING_REJECTED: ListingRejected,
    topics.LISTING_MATCHED: ListingMatched,
    topics.LISTING_UNMATCHED: ListingUnmatched,
    topics.LISTING_CREATED: ListingCreated,
    topics.LISTING_ACTIVATED: ListingActivated,
    topics.LISTING_DEACTIVATED: ListingDeactivated,
    topics.LISTING_SUPPRESSED: ListingSuppressed,
    topics.LISTING_REACTIVATED: ListingReactivated,
    topics.LISTING_STATE_CHANGED: ListingStateChanged,
    topics.EXEMPTION_GRANTED: ExemptionGranted,
    topics.CATALOG_ITEM_CREATED: CatalogItemCreated,
    topics.INVENTORY_UPDATED: InventoryUpdated,
    topics.POLICY_VIOLATION_REPORTED: PolicyViolationReported,
    topics.REACTIVATION_REQUESTED: ReactivationRequested,
    topics.REACTIVATION_DECIDED: ReactivationDecided,
}


def model_for(event_type: str) -> type[BaseModel] | None:
    """The model of an event type, or None for a type this version does not describe yet."""
    return EVENT_MODELS.get(event_type)
