"""Which throttled listings go first when capacity returns: highest priority, then oldest, then listing id.

A listing over its seller's weekly limit waits (``throttled``) instead of being lost; when the next
week's capacity opens (``capacity_returns_at``), ``release_plan`` picks as many as the capacity left
allows. The plan is an intent: each release still goes through the atomic Redis grant, whose answer is
the truth (a concurrent grant may have taken the unit), and the listing leaves the waiting list in the
same transaction that records its release, so a restart never releases it twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from asinflow_creation_quota.domain.weeks import as_utc, next_week_start


@dataclass(frozen=True)
class Waiting:
    """A throttled listing: ``priority`` from the proposal (higher first), ``since`` when it started waiting."""

    listing_id: str
    priority: int
    since: datetime

    def __post_init__(self) -> None:
        as_utc(self.since)  # refuses a naive datetime: it could not be ordered against the others


def capacity_returns_at(at: datetime) -> datetime:
    """When a listing throttled at ``at`` gets capacity again at the latest: the next week's start (UTC)."""
    return next_week_start(at)


def release_order(waiting: Iterable[Waiting]) -> list[Waiting]:
    """Highest priority first, then the longest waiting, then by listing id (so the order is total)."""
    return sorted(waiting, key=lambda w: (-w.priority, as_utc(w.since), w.listing_id))


def release_plan(waiting: Iterable[Waiting], capacity_left: int) -> tuple[list[Waiting], list[Waiting]]:
    """Split the waiting listings into those to release now and those that keep waiting, both in release order.

    A listing named twice counts once (its first entry in release order is kept).
    """
    seen: set[str] = set()
    ordered: list[Waiting] = []
    for entry in release_order(waiting):
        if entry.listing_id not in seen:
            seen.add(entry.listing_id)
            ordered.append(entry)
    take = max(capacity_left, 0)
    return ordered[:take], ordered[take:]
