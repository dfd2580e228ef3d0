"""What a grant of one unit of weekly capacity asks and what the counters answer (values, no I/O).

The counters (Redis in production, ``adapters/memory.py`` in tests) answer each request atomically:
check the listing's grant record of this week and the last (a redelivered event takes no second unit),
then the week's count against the limit, then increment and record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class GrantStatus(StrEnum):
    GRANTED = "granted"  # one unit of the week consumed now
    ALREADY_GRANTED = "already_granted"  # this listing holds a unit already (this week or the last): none consumed
    OVER_LIMIT = "over_limit"  # the week's capacity is used up: nothing recorded, the listing waits


@dataclass(frozen=True)
class GrantRequest:
    """Grant one unit of ``seller_id``'s capacity in the week of ``at`` to ``listing_id``, if below ``limit``."""

    seller_id: str
    listing_id: str
    limit: int
    at: datetime

    def __post_init__(self) -> None:
        if not self.seller_id or not self.listing_id:
            raise ValueError("a grant names its seller and its listing")
        if self.limit < 0:
            raise ValueError(f"limit must not be negative: {self.limit}")


@dataclass(frozen=True)
class GrantResult:
    """What the counters decided. ``week`` holds the unit (the previous week for a redelivery across Monday).

    ``unit``: the unit this listing holds (granted or already granted); ``used``: the week's count, known
    when granted now (== unit) or over the limit.
    """

    seller_id: str
    listing_id: str
    status: GrantStatus
    week: str
    unit: int | None
    used: int | None

    @property
    def granted(self) -> bool:
        """The listing may go on (granted now or before); otherwise it waits, throttled."""
        return self.status is not GrantStatus.OVER_LIMIT


@dataclass(frozen=True)
class CounterHoldings:
    """Part of what the counters hold, read without granting (``QuotaCounters.holdings``): units used per
    (seller, week), and the units the listings asked about hold per (seller, week), by listing id. A preview
    replays grants on a copy of them (``InMemoryQuotaCounters.starting_from``)."""

    used: Mapping[tuple[str, str], int]
    units: Mapping[tuple[str, str], Mapping[str, int]]
