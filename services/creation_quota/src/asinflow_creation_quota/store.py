"""The creation-quota service's ports: its PostgreSQL tables (``QuotaStore``) and its weekly counters in
Redis (``QuotaCounters``), each with a PostgreSQL/Redis adapter and an in-memory fake (``adapters/``).

Every method takes and returns collections, so a batch costs a fixed number of round trips whatever
its size. The store keeps what must outlive a week or a restart: the queue of listings waiting for
capacity, grants (listings created per week, for the withdrawal rule), sales and operator restores.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from asinflow_creation_quota.domain.grants import CounterHoldings, GrantRequest, GrantResult
from asinflow_creation_quota.domain.queue import Decision, Queued
from asinflow_creation_quota.domain.standing import FactsWindow, SellerFacts
from asinflow_creation_quota.domain.withdrawal import OperatorRestore


@dataclass(frozen=True)
class SaleRecord:
    """One ``seller.sales.recorded`` event; a record id seen before is ignored."""

    record_id: str
    seller_id: str
    day: date
    units: int
    revenue: Decimal


@dataclass(frozen=True)
class RestoreRecord:
    """One ``seller.creation.restored`` event; a second restore of a seller at the same instant is ignored."""

    seller_id: str
    restore: OperatorRestore


class QuotaStore(Protocol):
    async def lock_sellers(self, sellers: Collection[str]) -> None:
        """Keep other instances from settling these sellers until the transaction ends (one lock per seller,
        all taken at once in a fixed order)."""
        ...

    async def record_sales(self, sales: Sequence[SaleRecord]) -> None: ...

    async def record_restores(self, restores: Sequence[RestoreRecord]) -> None: ...

    async def enqueue(self, entries: Sequence[Queued]) -> None:
        """Queue new listings (``waiting``); a proposal queued before is left as it is. An earlier version of the
        same listing still waiting or throttled is ``superseded``: only the newest version may take a unit."""
        ...

    async def sellers_to_release(self, week: str, limit: int) -> list[str]:
        """Sellers (in order of their ids, at most ``limit``) with listings throttled in a week before ``week``."""
        ...

    async def open_queue(self, sellers: Collection[str]) -> list[Queued]:
        """The waiting and throttled listings of these sellers."""
        ...

    async def seller_facts(self, sellers: Collection[str], window: FactsWindow) -> dict[str, SellerFacts]:
        """Sales since ``window.since``, listings created (granted) per week of ``window.weeks`` and the latest
        restore, for every seller asked (empty facts for a seller with none)."""
        ...

    async def save(self, decisions: Sequence[Decision]) -> None:
        """Leave each decided listing in its new status (a throttled listing keeps its first throttle event id)
        and record each grant (a proposal granted before is not recorded twice)."""
        ...

    async def throttled_counts(self, sellers: Collection[str]) -> dict[str, int]:
        """How many listings of each seller are throttled (0 for a seller with none)."""
        ...


class QuotaCounters(Protocol):
    """Weekly creation counters: never over-granted (check, increment and the grant record by listing id are one
    atomic step), idempotent by listing id over this week and the last."""

    async def grant_many(self, requests: Sequence[GrantRequest]) -> list[GrantResult]:
        """Answers in request order; a listing named twice gets one grant and one ``ALREADY_GRANTED``."""
        ...

    async def usage_many(self, seller_weeks: Collection[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Units granted so far per (seller, week) (0 once the week's counters have expired)."""
        ...

    async def holdings(self, requests: Sequence[GrantRequest]) -> CounterHoldings:
        """What these requests' grants would read (each seller-week's count, the units the listings hold in their
        request's week and the one before), only read: nothing is taken or recorded (previews)."""
        ...

    async def ping(self) -> None:
        """Raise when the counters cannot be reached (the service's readiness check)."""
        ...
