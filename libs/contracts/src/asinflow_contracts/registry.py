"""Registry from event type (= topic name) to its pydantic model; feeds the AsyncAPI document."""

from __future__ import annotations

from pydantic import BaseModel

from asinflow_contracts import topics
from asinflow_contracts.events import (
    ExemptionGranted,
    ListingProposed,
    ListingRejected,
    ListingStateChanged,
    ListingValidated,
)

EVENT_MODELS: dict[str, type[BaseModel]] = {
    topics.LISTING_PROPOSED: ListingProposed,
    topics.LISTING_VALIDATED: ListingValidated,
    topics.LISTING_REJECTED: ListingRejected,
    topics.LISTING_STATE_CHANGED: ListingStateChanged,
    topics.EXEMPTION_GRANTED: ExemptionGranted,
}


def model_for(event_type: str) -> type[BaseModel] | None:
    """The model of an event type, or None for a type this version does not describe yet."""
    return EVENT_MODELS.get(event_type)
