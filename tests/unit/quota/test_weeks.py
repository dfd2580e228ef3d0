"""ISO weeks in UTC: names, boundaries, expiry, and the clocks (DESIGN §4 "Quotas")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from asinflow_creation_quota.domain.weeks import (
    DEFAULT_GRACE,
    FixedClock,
    SystemClock,
    counter_expiry,
    iso_week,
    next_week_start,
    parse_week,
    previous_week,
    trailing_weeks,
    week_start,
)
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.unit


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "week"),
    [
        (utc(2026, 11, 24, 18, 0), "2026-W48"),
        (utc(2026, 12, 28), "2026-W53"),  # 2026 starts on a Thursday: it has 53 ISO weeks
        (utc(2026, 12, 31, 23, 59, 59), "2026-W53"),  # New Year's Eve is not in 2027-W01
        (utc(2027, 1, 1), "2026-W53"),  # nor is New Year's Day
        (utc(2027, 1, 3, 23, 59, 59), "2026-W53"),  # the Sunday closes 2026-W53
        (utc(2027, 1, 4), "2027-W01"),  # the first Monday of 2027 opens its week 1
        (utc(2025, 12, 29), "2026-W01"),  # ...while 2026-W01 starts in December 2025
        (utc(2027, 12, 31), "2027-W52"),  # 2027 has 52 weeks
        (utc(2028, 1, 2), "2027-W52"),
        (utc(2028, 1, 3), "2028-W01"),
    ],
)
def test_iso_week_uses_the_iso_year(at: datetime, week: str) -> None:
    assert iso_week(at) == week


def test_the_week_turns_at_monday_midnight_utc() -> None:
    sunday_night = utc(2026, 11, 29, 23, 59, 59, 999_999)
    monday = utc(2026, 11, 30)
    assert iso_week(sunday_night) == "2026-W48"
    assert iso_week(monday) == "2026-W49"
    assert week_start(sunday_night) == utc(2026, 11, 23)
    assert next_week_start(sunday_night) == monday
    assert week_start(monday) == monday
    assert next_week_start(monday) == utc(2026, 12, 7)


def test_aware_inputs_in_other_zones_are_read_in_utc() -> None:
    berlin_monday = datetime(2026, 11, 30, 0, 30, tzinfo=timezone(timedelta(hours=1)))  # Sunday 23:30 UTC
    new_york_sunday = datetime(2026, 11, 29, 20, 0, tzinfo=timezone(timedelta(hours=-5)))  # Monday 01:00 UTC
    assert iso_week(berlin_monday) == "2026-W48"
    assert iso_week(new_york_sunday) == "2026-W49"
    start = week_start(new_york_sunday)
    assert start == utc(2026, 11, 30) and start.tzinfo is UTC


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        iso_week(datetime(2026, 11, 24))
    with pytest.raises(ValueError, match="naive"):
        FixedClock(datetime(2026, 11, 24))


def test_counters_expire_after_the_next_week_start_plus_grace() -> None:
    at = utc(2026, 12, 31, 12)
    assert counter_expiry(at) == utc(2027, 1, 4) + DEFAULT_GRACE == utc(2027, 1, 11)
    assert counter_expiry(at, timedelta(hours=6)) == utc(2027, 1, 4, 6)
    with pytest.raises(ValueError, match="grace"):
        counter_expiry(at, timedelta(seconds=-1))


def test_week_names_parse_back_to_their_monday() -> None:
    assert parse_week("2026-W53") == utc(2026, 12, 28)
    assert parse_week("2027-W01") == utc(2027, 1, 4)
    for bad in ("2027-W53", "2026-W00", "2026W48", "26-W48", "2026-W4"):
        with pytest.raises(ValueError):
            parse_week(bad)


def test_previous_and_trailing_weeks_cross_the_year_end() -> None:
    at = utc(2027, 1, 12)
    assert previous_week(at) == "2027-W01"
    assert previous_week(utc(2027, 1, 4)) == "2026-W53"
    assert trailing_weeks(at, 4) == ["2026-W51", "2026-W52", "2026-W53", "2027-W01"]


def test_fixed_clock_is_settable_and_system_clock_is_utc() -> None:
    clock = FixedClock(datetime(2026, 11, 29, 23, 0, tzinfo=timezone(timedelta(hours=-1))))
    assert clock.now() == utc(2026, 11, 30) and clock.now().tzinfo is UTC
    assert clock.advance(timedelta(days=7)) == utc(2026, 12, 7) == clock.now()
    clock.set(utc(2027, 1, 4))
    assert iso_week(clock.now()) == "2027-W01"
    now = SystemClock().now()
    assert now.tzinfo is UTC


aware = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(9998, 12, 1), timezones=st.sampled_from([UTC, None])
).map(lambda d: d if d.tzinfo else d.replace(tzinfo=timezone(timedelta(hours=5, minutes=30))))


@given(aware)
def test_every_instant_lies_in_the_week_its_name_and_start_say(at: datetime) -> None:
    start = week_start(at)
    assert start <= at < next_week_start(at) == start + timedelta(days=7)
    assert start.weekday() == 0 and (start.hour, start.minute, start.second, start.microsecond) == (0, 0, 0, 0)
    assert iso_week(start) == iso_week(at) == iso_week(next_week_start(at) - timedelta(microseconds=1))
    assert parse_week(iso_week(at)) == start
    assert iso_week(next_week_start(at)) != iso_week(at)
