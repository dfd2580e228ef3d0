"""The topics the brand-gating service consumes and their pydantic models."""

from __future__ import annotations

from asinflow_contracts import topics
from asinflow_contracts.events import (
    BrandApprovalDecided,
    BrandApprovalRequested,
    BrandAuthorizationGranted,
    BrandAuthorizationRevoked,
    BrandPrefixRegistered,
    BrandRegistered,
    ExemptionGranted,
    ExemptionRevoked,
    ListingMatched,
    ListingUnmatched,
    ListingValidated,
)
from pydantic import BaseModel

REGISTRY_MODELS: dict[str, type[BaseModel]] = {
    topics.BRAND_REGISTERED: BrandRegistered,
    topics.BRAND_AUTHORIZATION_GRANTED: BrandAuthorizationGranted,
    topics.BRAND_AUTHORIZATION_REVOKED: BrandAuthorizationRevoked,
    topics.BRAND_PREFIX_REGISTERED: BrandPrefixRegistered,
    topics.EXEMPTION_GRANTED: ExemptionGranted,
    topics.EXEMPTION_REVOKED: ExemptionRevoked,
    topics.BRAND_APPROVAL_REQUESTED: BrandApprovalRequested,
    topics.BRAND_APPROVAL_DECIDED: BrandApprovalDecided,
}
LISTING_MODELS: dict[str, type[ListingValidated]] = {
    topics.LISTING_MATCHED: ListingMatched,
    topics.LISTING_UNMATCHED: ListingUnmatched,
}
MODELS: dict[str, type[BaseModel]] = {**REGISTRY_MODELS, **LISTING_MODELS}
