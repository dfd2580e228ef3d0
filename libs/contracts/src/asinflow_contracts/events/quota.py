"""Weekly creation quotas (DESIGN §4 "Quotas"): what the creation-quota service decides and consumes.

Listing events are keyed by ``listing_id``; seller events (sales, restores) by ``seller_id``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from asinflow_contracts.events.brand import ListingBrandCleared
from asinflow_contracts.issues import Issue


class ListingQuotaGranted(ListingBrandCleared):
    """The listing used one unit of its seller's weekly creation capacity: the catalog creates it now."""

    week: str = Field(description="ISO week (UTC) whose capacity it used, e.g. 2026-W48.")
    unit: int = Field(description="Which unit of that week it used (1 = the first).")
    limit: int = Field(description="The seller's limit for that week.")


class ListingThrottled(ListingBrandCleared):
    """Over the weekly limit: the listing waits (it is not lost) and is released when capacity returns,
    highest ``priority`` first, then oldest first."""

    week: str = Field(description="ISO week (UTC) whose capacity is used up.")
    limit: int = Field(description="The seller's limit for that week.")
    used: int = Field(description="Units already used that week.")
    capacity_returns_at: datetime = Field(description="When the next week's capacity opens (Monday 00:00 UTC).")
    issues: list[Issue] = Field(description="The CREATION_LIMIT_REACHED issue (8571) with that date.")


class SellerSalesRecorded(BaseModel):
    """Units and revenue a seller sold on one day (several records of a day add up)."""

    seller_id: str = Field(description="The seller.", min_length=1)
    day: date = Field(description="The UTC day of the sales.")
    units: int = Field(description="Units sold.", ge=0)
    revenue: Decimal = Field(default=Decimal(0), description="Revenue of those units.", ge=0)
    record_id: str = Field(description="Id of this record (a record sent twice counts once).", min_length=1)


class CreationRightsRestored(BaseModel):
    """An operator gives a seller its creation rights back until the next weekly re-evaluation."""

    seller_id: str = Field(description="The seller.", min_length=1)
    operator: str = Field(description="Who restores them.", min_length=1)
    reason: str = Field(description="Why (recorded with the restore).", min_length=1)
