"""Throttled listings are released highest priority first, then oldest first, when capacity returns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from asinflow_creation_quota.domain.release import Waiting, capacity_returns_at, release_order, release_plan
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.unit

T0 = datetime(2026, 11, 25, 12, tzinfo=UTC)


def waiting(listing_id: str, priority: int, minutes: int) -> Waiting:
    return Waiting(listing_id, priority, T0 + timedelta(minutes=minutes))


def test_priority_first_then_the_longest_waiting_then_the_listing_id() -> None:
    entries = [
        waiting("d", 0, 0),
        waiting("c", 5, 30),
        waiting("b", 5, 10),
        waiting("a", 5, 10),
        waiting("e", -1, -100),
        waiting("f", 0, -5),
    ]
    assert [w.listing_id for w in release_order(entries)] == ["a", "b", "c", "f", "d", "e"]


def test_the_plan_releases_what_the_capacity_allows_and_keeps_the_rest_in_order() -> None:
    entries = [waiting("low", 0, 0), waiting("high", 9, 50), waiting("mid", 3, 20), waiting("mid-old", 3, 5)]
    released, still = release_plan(entries, 2)
    assert [w.listing_id for w in released] == ["high", "mid-old"]
    assert [w.listing_id for w in still] == ["mid", "low"]
    assert release_plan(entries, 0) == ([], release_order(entries))
    assert release_plan(entries, -3) == ([], release_order(entries))
    assert release_plan(entries, 10) == (release_order(entries), [])
    assert release_plan([], 5) == ([], [])


def test_a_listing_named_twice_is_planned_once() -> None:
    entries = [waiting("x", 1, 10), waiting("x", 1, 0), waiting("y", 0, 0)]
    released, still = release_plan(entries, 5)
    assert [(w.listing_id, w.since) for w in released] == [("x", T0), ("y", T0)]
    assert still == []


def test_times_in_other_zones_are_ordered_as_instants_and_naive_ones_refused() -> None:
    plus_two = timezone(timedelta(hours=2))
    earlier = Waiting("later-on-the-clock-face", 0, datetime(2026, 11, 25, 13, tzinfo=plus_two))  # 11:00 UTC
    later = Waiting("earlier-on-the-clock-face", 0, datetime(2026, 11, 25, 12, tzinfo=UTC))
    assert release_order([later, earlier]) == [earlier, later]
    with pytest.raises(ValueError, match="naive"):
        Waiting("n", 0, datetime(2026, 11, 25))


def test_capacity_returns_when_the_next_week_opens() -> None:
    assert capacity_returns_at(datetime(2026, 12, 31, 8, tzinfo=UTC)) == datetime(2027, 1, 4, tzinfo=UTC)
    assert capacity_returns_at(datetime(2026, 11, 29, 23, 59, 59, tzinfo=UTC)) == datetime(2026, 11, 30, tzinfo=UTC)


entries_st = st.lists(
    st.builds(
        Waiting,
        listing_id=st.sampled_from([f"L{i}" for i in range(12)]),
        priority=st.integers(-3, 3),
        since=st.integers(0, 10_000).map(lambda s: T0 + timedelta(seconds=s)),
    ),
    max_size=30,
)


@given(entries_st, st.integers(-2, 40))
def test_released_listings_always_outrank_the_waiting_ones(entries: list[Waiting], capacity: int) -> None:
    released, still = release_plan(entries, capacity)
    assert len(released) == min(max(capacity, 0), len({w.listing_id for w in entries}))
    ids = [w.listing_id for w in released + still]
    assert sorted(ids) == sorted({w.listing_id for w in entries})
    rank = {w.listing_id: (-w.priority, w.since, w.listing_id) for w in reversed(release_order(entries))}
    if released and still:
        assert max(rank[w.listing_id] for w in released) < min(rank[w.listing_id] for w in still)
