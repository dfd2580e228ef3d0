"""The topics the brand-gating service consumes and their pydantic models."""

from __future__ import annotations

from asinflow_contracts import topics
from asinflow_contracts.events import (
    ListingMatched,
    ListingUnmatched,
    ListingValidated,
)
from asinflow_contracts.registry import EVENT_MODELS
from pydantic import BaseModel

#: The brand registry's events (their models as published in the contract).
REGISTRY_MODELS: dict[str, type[BaseModel]] = {topic: EVENT_MODELS[topic] for topic in topics.BRAND_REGISTRY_TOPICS}
LISTING_MODELS: dict[str, type[ListingValidated]] = {
    topics.LISTING_MATCHED: ListingMatched,
    topics.LISTING_UNMATCHED: ListingUnmatched,
}
MODELS: dict[str, type[BaseModel]] = {**REGISTRY_MODELS, **LISTING_MODELS}
