from asinflow_contracts.events.activation import (
    ActivationReason,
    DeactivationReason,
    ListingActivated,
    ListingDeactivated,
    ListingReactivated,
    ListingSuppressed,
)
from asinflow_contracts.events.catalog import CatalogItemCreated, ListingCreated
from asinflow_contracts.events.listing import (
    ExemptionGranted,
    ListingRef,
    ListingRejected,
    ListingStateChanged,
    ListingValidated,
    NormalisedIdentifier,
)
from asinflow_contracts.events.matching import ListingMatched, ListingUnmatched
from asinflow_contracts.events.operations import (
    Enforcement,
    InventoryUpdated,
    PolicyViolationReported,
    ReactivationDecided,
    ReactivationRequested,
    Scope,
    ViolationKind,
)
from asinflow_contracts.events.proposal import ListingProposed, Price, ProductIdentifier, Variation

__all__ = [
    "ActivationReason",
    "CatalogItemCreated",
    "DeactivationReason",
    "Enforcement",
    "ExemptionGranted",
    "InventoryUpdated",
    "ListingActivated",
    "ListingCreated",
    "ListingDeactivated",
    "ListingMatched",
    "ListingProposed",
    "ListingReactivated",
    "ListingRef",
    "ListingRejected",
    "ListingStateChanged",
    "ListingSuppressed",
    "ListingUnmatched",
    "ListingValidated",
    "NormalisedIdentifier",
    "PolicyViolationReported",
    "Price",
    "ProductIdentifier",
    "ReactivationDecided",
    "ReactivationRequested",
    "Scope",
    "Variation",
    "ViolationKind",
]
