"""A seller's sales history: units and revenue per UTC day, a pure value (fed by ``seller.sales.recorded``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from asinflow_creation_quota.domain.weeks import as_utc


@dataclass(frozen=True)
class DaySales:
    """What a seller sold on one UTC day. Revenue is in the marketplace currency, as the events carry it."""

    day: date
    units: int
    revenue: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if self.units < 0:
            raise ValueError(f"units sold must not be negative: {self.units}")
        if not self.revenue.is_finite() or self.revenue < 0:
            raise ValueError(f"revenue must be a non-negative amount: {self.revenue}")


@dataclass(frozen=True)
class SalesTotals:
    """Units and revenue summed over the days ``first_day`` to ``last_day`` (both included)."""

    first_day: date
    last_day: date
    units: int
    revenue: Decimal


@dataclass(frozen=True)
class SalesHistory:
    """One ``DaySales`` per day, oldest first; build it with ``of`` (which sums entries of the same day)."""

    days: tuple[DaySales, ...] = ()

    @classmethod
    def of(cls, entries: Iterable[DaySales]) -> SalesHistory:
        per_day: dict[date, DaySales] = {}
        for entry in entries:
            seen = per_day.get(entry.day)
            per_day[entry.day] = (
                entry if seen is None else DaySales(entry.day, seen.units + entry.units, seen.revenue + entry.revenue)
            )
        return cls(tuple(per_day[day] for day in sorted(per_day)))

    def add(self, day: date, units: int, revenue: Decimal = Decimal(0)) -> SalesHistory:
        """A new history with one more day's sales (summed with what that day already had)."""
        return SalesHistory.of([*self.days, DaySales(day, units, revenue)])

    def between(self, first_day: date, last_day: date) -> SalesTotals:
        """Totals over ``first_day`` .. ``last_day``, both included."""
        chosen = [d for d in self.days if first_day <= d.day <= last_day]
        return SalesTotals(
            first_day=first_day,
            last_day=last_day,
            units=sum(d.units for d in chosen),
            revenue=sum((d.revenue for d in chosen), Decimal(0)),
        )

    def trailing(self, days: int, at: datetime) -> SalesTotals:
        """Totals over the ``days`` UTC days that end with ``at``'s day (today's recorded sales count)."""
        if days < 1:
            raise ValueError("a trailing window has at least one day")
        last = as_utc(at).date()
        return self.between(last - timedelta(days=days - 1), last)
