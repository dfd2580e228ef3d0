"""ISO weeks in UTC and the clock that says which one it is (DESIGN §4 "Quotas").

A quota week is the ISO 8601 week in UTC: it starts on Monday 00:00:00 UTC and is named by its ISO year
and number, ``2026-W48``. The ISO year is not the calendar year: 2026-12-31 (a Thursday) is in 2026-W53,
2027-01-03 (a Sunday) too, and 2027-01-04 opens 2027-W01. Counters of a week expire at the start of the
next week plus a grace period, so they reset by themselves (no cron job) and last week's idempotency
records are still there to recognise an event redelivered across the boundary.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Protocol

#: How long a week's counters outlive the week (configurable per service; see ``counter_expiry``).
DEFAULT_GRACE = timedelta(days=7)
ONE_WEEK = timedelta(days=7)

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class Clock(Protocol):
    """Where the current time comes from: the system in production, a settable clock in tests."""

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told otherwise: ``set`` it or ``advance`` it."""

    def __init__(self, at: datetime) -> None:
        self._at = as_utc(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = as_utc(at)

    def advance(self, delta: timedelta) -> datetime:
        self._at += delta
        return self._at


def as_utc(at: datetime) -> datetime:
    """``at`` converted to UTC; a naive datetime is refused (it names no instant)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at.isoformat()}: pass a timezone-aware instant")
    return at.astimezone(UTC)


def iso_week(at: datetime) -> str:
    """The quota week containing ``at``, e.g. ``2026-W48`` (ISO year and week number, UTC)."""
    year, week, _ = as_utc(at).isocalendar()
    return f"{year:04d}-W{week:02d}"


def week_start(at: datetime) -> datetime:
    """Monday 00:00:00 UTC of the week containing ``at``."""
    utc = as_utc(at)
    monday = utc.date() - timedelta(days=utc.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


def next_week_start(at: datetime) -> datetime:
    """Monday 00:00:00 UTC after ``at``: when the next week's capacity opens."""
    return week_start(at) + ONE_WEEK


def previous_week(at: datetime) -> str:
    """The name of the week before the one containing ``at``."""
    return iso_week(week_start(at) - ONE_WEEK)


def parse_week(week: str) -> datetime:
    """The start (Monday 00:00 UTC) of a week named like ``2026-W48``; raises ``ValueError`` if no such week."""
    match = _WEEK.match(week)
    if match is None:
        raise ValueError(f"not an ISO week name (YYYY-Www): {week!r}")
    year, number = int(match.group(1)), int(match.group(2))
    monday = datetime.fromisocalendar(year, number, 1)  # raises for W53 of a 52-week year
    return monday.replace(tzinfo=UTC)


def trailing_weeks(at: datetime, count: int) -> list[str]:
    """The ``count`` complete weeks before the one containing ``at``, oldest first."""
    start = week_start(at)
    return [iso_week(start - ONE_WEEK * n) for n in range(count, 0, -1)]


def counter_expiry(at: datetime, grace: timedelta = DEFAULT_GRACE) -> datetime:
    """When the counters of ``at``'s week expire: the next week's start plus ``grace`` (which must be >= 0)."""
    if grace < timedelta(0):
        raise ValueError("grace must not be negative")
    return next_week_start(at) + grace
