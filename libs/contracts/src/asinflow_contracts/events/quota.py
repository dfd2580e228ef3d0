"""Weekly creation quotas (DESIGN §4 "Quotas"): what the creation-quota service decides and consumes.

Listing events are keyed by ``listing_id``; seller events (sales, restores) by ``seller_id``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from asinflow_contracts.base import Contract, Count, Id, Name, Text
from asinflow_contracts.events.brand import ListingBrandCleared
from asinflow_contracts.issues import Issue
from asinflow_contracts.limits import MAX_MONEY, MAX_SALES_UNITS, MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

IsoWeek = Annotated[str, Field(pattern=r"^[0-9]{4}-W[0-9]{2}$")]


class ListingQuotaGranted(ListingBrandCleared):
    """The listing used one unit of its seller's weekly creation capacity: the catalog creates it now."""

    week: IsoWeek = Field(description="ISO week (UTC) whose capacity it used, e.g. 2026-W48.")
    unit: Count = Field(description="Which unit of that week it used (1 = the first).")
    limit: Count = Field(description="The seller's limit for that week.")


class ListingThrottled(ListingBrandCleared):
    """Over the weekly limit: the listing waits (it is not lost) and is released when capacity returns,
    highest ``priority`` first, then oldest first."""

    week: IsoWeek = Field(description="ISO week (UTC) whose capacity is used up.")
    limit: Count = Field(description="The seller's limit for that week.")
    used: Count = Field(description="Units already used that week.")
    capacity_returns_at: datetime = Field(description="When the next week's capacity opens (Monday 00:00 UTC).")
    issues: list[Issue] = Field(max_length=100, description="The CREATION_LIMIT_REACHED issue (8571) with that date.")


class SellerSalesRecorded(Contract):
    """Units and revenue a seller sold on one day (several records of a day add up)."""

    seller_id: Id = Field(description="The seller.")
    day: date = Field(description="The UTC day of the sales.")
    units: int = Field(description="Units sold.", ge=0, le=MAX_SALES_UNITS)
    revenue: Decimal = Field(
        default=Decimal(0),
        description="Revenue of those units; at most 4 decimals.",
        ge=0,
        le=MAX_MONEY,
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        allow_inf_nan=False,
    )
    record_id: Id = Field(description="Id of this record (a record sent twice counts once).")


class CreationRightsRestored(Contract):
    """An operator gives a seller its creation rights back until the next weekly re-evaluation."""

    seller_id: Id = Field(description="The seller.")
    operator: Name = Field(description="Who restores them.")
    reason: Text = Field(description="Why (recorded with the restore).", min_length=1)
