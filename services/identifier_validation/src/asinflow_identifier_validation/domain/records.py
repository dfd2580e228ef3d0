"""What the service records besides its copy of the exemptions: its decisions, the validated members of
variation families, and the children waiting for their parent (plain values, exchanged with the store)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from asinflow_contracts.events import ListingProposed

Key = tuple[str, str]  # (seller_id, sku)


@dataclass(frozen=True)
class DecisionRecord:
    """The outcome of one proposal (``listing.validated`` or ``listing.rejected`` with its code)."""

    proposal_id: uuid.UUID
    listing_id: uuid.UUID
    outcome: str
    code: str | None


@dataclass(frozen=True)
class FamilyRecord:
    """The latest validated proposal of a listing, as a member of its seller's variation families."""

    seller_id: str
    sku: str
    parent_sku: str | None
    proposal: ListingProposed
    gtin14: str | None


@dataclass(frozen=True)
class WaitingChild:
    """A child proposal parked until its parent is decided, with the body it arrived in."""

    event_id: uuid.UUID
    event_type: str
    seller_id: str
    sku: str
    parent_sku: str
    body: bytes
