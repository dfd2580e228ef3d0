"""The weekly limit as a function of trailing sales: new sellers start small, limits grow, tiers cap them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from asinflow_creation_quota.domain.capacity import DEFAULT_TIERS, CapacityPolicy, Tier, weekly_limit
from asinflow_creation_quota.domain.sales import DaySales, SalesHistory
from asinflow_creation_quota.domain.weeks import FixedClock
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

pytestmark = pytest.mark.unit

POLICY = CapacityPolicy()
NOW = datetime(2026, 11, 24, 18, tzinfo=UTC)
TODAY = NOW.date()


def sold(units: int, revenue: str = "0", day: date = TODAY) -> SalesHistory:
    return SalesHistory.of([DaySales(day, units, Decimal(revenue))])


def test_a_new_seller_starts_small_and_the_limit_explains_itself() -> None:
    limit = weekly_limit(POLICY, SalesHistory(), NOW)
    assert (limit.limit, limit.tier, limit.trailing_units, limit.trailing_revenue) == (20, "new", 0, Decimal(0))
    assert (limit.first_day, limit.last_day) == (date(2026, 10, 28), TODAY)  # 28 days, today included
    assert limit.explain() == (
        "tier new: 0 units and 0 revenue from 2026-10-28 to 2026-11-24; limit = new_seller_limit = 20"
    )


@pytest.mark.parametrize(
    ("units", "revenue", "tier", "expected"),
    [
        (1, "10", "starter", 22),  # 20 + 2 × 1
        (10, "200", "starter", 40),
        (40, "999.99", "starter", 100),  # reaches the starter ceiling
        (500, "999.99", "starter", 100),  # and stays there until revenue moves the seller up
        (1, "1000", "established", 101),
        (300, "12000", "established", 400),
        (5000, "24999", "established", 1000),  # established ceiling
        (3, "25000", "professional", 1001),  # floor(0.5 × 3) = 1
        (9000, "500000", "professional", 5500),
        (10**7, "10000000", "professional", 10_000),  # professional ceiling
    ],
)
def test_the_limit_grows_with_units_within_each_tier_up_to_its_ceiling(
    units: int, revenue: str, tier: str, expected: int
) -> None:
    limit = weekly_limit(POLICY, sold(units, revenue), NOW)
    assert (limit.tier, limit.limit) == (tier, expected)
    assert limit.computation.endswith(f"= {expected}")


def test_the_formula_and_figures_are_printed_as_written() -> None:
    limit = weekly_limit(POLICY, sold(3, "25000"), NOW)
    assert limit.formula == "min(10000, 1000 + floor(0.5 × units))"
    assert limit.computation == "min(10000, 1000 + floor(0.5 × 3)) = 1001"
    assert POLICY.describe() == [
        "new: no units sold in the trailing 28 days -> 20",
        "starter: trailing revenue >= 0 -> min(100, 20 + floor(2 × units))",
        "established: trailing revenue >= 1000 -> min(1000, 100 + floor(1 × units))",
        "professional: trailing revenue >= 25000 -> min(10000, 1000 + floor(0.5 × units))",
    ]


def test_growth_with_sales_over_time_and_decay_when_they_fall_out_of_the_window() -> None:
    clock = FixedClock(datetime(2026, 11, 2, 9, tzinfo=UTC))  # a Monday
    sales = SalesHistory()
    seen = [weekly_limit(POLICY, sales, clock.now()).limit]
    for _ in range(3):  # five units a day, 100 of revenue, for three weeks
        for _ in range(7):
            sales = sales.add(clock.now().date(), 5, Decimal(100))
            clock.advance(timedelta(days=1))
        seen.append(weekly_limit(POLICY, sales, clock.now()).limit)
    # week 1: 35 units, revenue 700: starter 20 + 2 × 35; then revenue passes 1,000: established 100 + 70, 100 + 105
    assert seen == [20, 90, 170, 205]
    assert weekly_limit(POLICY, sales, clock.now()).tier == "established"
    # the last sale was on 2026-11-22; 28 days later (2026-12-20) the window no longer sees any of it
    clock.set(datetime(2026, 12, 19, 23, 59, tzinfo=UTC))
    assert weekly_limit(POLICY, sales, clock.now()).trailing_units == 5
    clock.set(datetime(2026, 12, 20, tzinfo=UTC))
    assert weekly_limit(POLICY, sales, clock.now()).limit == 20


def test_today_counts_but_the_future_and_the_29th_day_back_do_not() -> None:
    sales = SalesHistory.of(
        [
            DaySales(TODAY, 1, Decimal(1)),
            DaySales(TODAY - timedelta(days=27), 2, Decimal(1)),
            DaySales(TODAY - timedelta(days=28), 100, Decimal(1)),
            DaySales(TODAY + timedelta(days=1), 100, Decimal(1)),
        ]
    )
    assert sales.trailing(28, NOW).units == 3
    assert sales.trailing(1, NOW).units == 1


def test_sales_of_one_day_are_summed_and_bad_figures_refused() -> None:
    history = SalesHistory.of([DaySales(TODAY, 2, Decimal("1.50")), DaySales(TODAY, 3, Decimal("2.25"))])
    assert history.days == (DaySales(TODAY, 5, Decimal("3.75")),)
    assert history.add(TODAY, 1, Decimal(1)).days == (DaySales(TODAY, 6, Decimal("4.75")),)
    with pytest.raises(ValueError):
        DaySales(TODAY, -1)
    with pytest.raises(ValueError):
        DaySales(TODAY, 1, Decimal("-0.01"))
    with pytest.raises(ValueError):
        DaySales(TODAY, 1, Decimal("NaN"))
    with pytest.raises(ValueError):
        history.trailing(0, NOW)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"new_seller_limit": 21}, "new_seller_limit"),
        ({"tiers": (DEFAULT_TIERS[1],)}, "min_revenue 0"),
        ({"tiers": (DEFAULT_TIERS[0], DEFAULT_TIERS[0])}, "must rise"),
        ({"tiers": (DEFAULT_TIERS[0], DEFAULT_TIERS[1].model_copy(update={"base": 99}))}, "below tier starter"),
        ({"tiers": ()}, "at least 1"),
        ({"window_days": 0}, "greater than or equal to 1"),
    ],
)
def test_policies_whose_limit_would_shrink_as_sales_grow_are_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        CapacityPolicy.model_validate({**POLICY.model_dump(), **change})


def test_a_tier_whose_ceiling_is_below_its_base_is_refused() -> None:
    with pytest.raises(ValidationError, match="ceiling"):
        Tier(name="odd", min_revenue=Decimal(0), base=10, per_unit=Decimal(1), ceiling=5)


def test_the_policy_is_configurable_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    class QuotaSettings(BaseSettings):  # how the service's config.py nests it
        model_config = SettingsConfigDict(env_prefix="ASINFLOW_QUOTA_", env_nested_delimiter="__")
        capacity: CapacityPolicy = CapacityPolicy()

    monkeypatch.setenv("ASINFLOW_QUOTA_CAPACITY__NEW_SELLER_LIMIT", "5")
    monkeypatch.setenv("ASINFLOW_QUOTA_CAPACITY__WINDOW_DAYS", "14")
    monkeypatch.setenv(
        "ASINFLOW_QUOTA_CAPACITY__TIERS",
        '[{"name": "only", "min_revenue": "0", "base": 10, "per_unit": "0.25", "ceiling": 50}]',
    )
    policy = QuotaSettings().capacity
    assert (policy.new_seller_limit, policy.window_days, [t.name for t in policy.tiers]) == (5, 14, ["only"])
    assert weekly_limit(policy, SalesHistory(), NOW).limit == 5
    assert weekly_limit(policy, sold(9, "1"), NOW).limit == 12  # 10 + floor(0.25 × 9)


units_st = st.integers(min_value=0, max_value=10**6)
revenue_st = st.decimals(min_value=0, max_value=10**7, places=2)


@given(units_st, units_st, revenue_st, revenue_st)
def test_more_sales_never_lower_the_limit(units_a: int, units_b: int, rev_a: Decimal, rev_b: Decimal) -> None:
    low = weekly_limit(POLICY, sold(min(units_a, units_b), str(min(rev_a, rev_b))), NOW)
    high = weekly_limit(POLICY, sold(max(units_a, units_b), str(max(rev_a, rev_b))), NOW)
    assert high.limit >= low.limit
    assert POLICY.new_seller_limit <= low.limit <= POLICY.tiers[-1].ceiling
