"""Registry from event type (= topic name) to its pydantic model; feeds the AsyncAPI document."""

from __future__ import annotations

from pydantic import BaseModel

from asinflow_contracts import topics
from asinflow_contracts.events import (
    BrandApprovalDecided,
    BrandApprovalRequested,
    BrandAuthorizationGranted,
    BrandAuthorizationRevoked,
    BrandPrefixRegistered,
    BrandRegistered,
    CatalogItemCreated,
    CreationRightsRestored,
    ExemptionGranted,
    ExemptionRevoked,
    InventoryUpdated,
    ListingActivated,
    ListingBrandCleared,
    ListingCreated,
    ListingDeactivated,
    ListingDeleted,
    ListingDeletionRequested,
    ListingIssuesChanged,
    ListingMatched,
    ListingProposed,
    ListingQuotaGranted,
    ListingReactivated,
    ListingRejected,
    ListingStateChanged,
    ListingStatusChanged,
    ListingSuppressed,
    ListingThrottled,
    ListingUnmatched,
    ListingValidated,
    PolicyViolationReported,
    ReactivationDecided,
    ReactivationRequested,
    SellerSalesRecorded,
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
    topics.LISTING_BRAND_CLEARED: ListingBrandCleared,
    topics.LISTING_QUOTA_GRANTED: ListingQuotaGranted,
    topics.LISTING_THROTTLED: ListingThrottled,
    topics.SELLER_SALES_RECORDED: SellerSalesRecorded,
    topics.SELLER_CREATION_RESTORED: CreationRightsRestored,
    topics.BRAND_REGISTERED: BrandRegistered,
    topics.BRAND_AUTHORIZATION_GRANTED: BrandAuthorizationGranted,
    topics.BRAND_AUTHORIZATION_REVOKED: BrandAuthorizationRevoked,
    topics.BRAND_PREFIX_REGISTERED: BrandPrefixRegistered,
    topics.EXEMPTION_GRANTED: ExemptionGranted,
    topics.EXEMPTION_REVOKED: ExemptionRevoked,
    topics.BRAND_APPROVAL_REQUESTED: BrandApprovalRequested,
    topics.BRAND_APPROVAL_DECIDED: BrandApprovalDecided,
    topics.CATALOG_ITEM_CREATED: CatalogItemCreated,
    topics.INVENTORY_UPDATED: InventoryUpdated,
    topics.POLICY_VIOLATION_REPORTED: PolicyViolationReported,
    topics.REACTIVATION_REQUESTED: ReactivationRequested,
    topics.REACTIVATION_DECIDED: ReactivationDecided,
    topics.LISTING_DELETION_REQUESTED: ListingDeletionRequested,
    topics.LISTING_DELETED: ListingDeleted,
    topics.LISTING_STATUS_CHANGED: ListingStatusChanged,
    topics.LISTING_ISSUES_CHANGED: ListingIssuesChanged,
}


def model_for(event_type: str) -> type[BaseModel] | None:
    """The model of an event type, or None for a type this version does not describe yet."""
    return EVENT_MODELS.get(event_type)
