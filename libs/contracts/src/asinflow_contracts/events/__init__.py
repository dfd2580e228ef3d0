from asinflow_contracts.events.listing import (
    ExemptionGranted,
    ListingRef,
    ListingRejected,
    ListingStateChanged,
    ListingValidated,
    NormalisedIdentifier,
)
from asinflow_contracts.events.proposal import ListingProposed, Price, ProductIdentifier, Variation

__all__ = [
    "ExemptionGranted",
    "ListingProposed",
    "ListingRef",
    "ListingRejected",
    "ListingStateChanged",
    "ListingValidated",
    "NormalisedIdentifier",
    "Price",
    "ProductIdentifier",
    "Variation",
]
