"""Withdrawal of creation rights: decided on complete weeks, re-evaluated at each ISO-week boundary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from asinflow_creation_quota.domain.sales import DaySales, SalesHistory
from asinflow_creation_quota.domain.weeks import FixedClock, iso_week
from asinflow_creation_quota.domain.withdrawal import OperatorRestore, WithdrawalRule, evaluate

pytestmark = pytest.mark.unit

RULE = WithdrawalRule()
MONDAY_W45 = datetime(2026, 11, 2, tzinfo=UTC)  # 2026-W45 starts; W41..W44 are the trailing weeks
FLOOD = {"2026-W41": 40, "2026-W42": 40, "2026-W43": 40, "2026-W44": 40}  # 160 listings
TWO_UNITS = SalesHistory.of([DaySales(datetime(2026, 10, 20).date(), 2, Decimal(30_000))])  # in W43


def test_a_flooding_seller_is_withdrawn_for_the_whole_week_with_the_reason() -> None:
    clock = FixedClock(MONDAY_W45 + timedelta(hours=9))
    verdict = evaluate(RULE, FLOOD, TWO_UNITS, clock.now())
    assert verdict.withdrawn
    assert verdict.week == "2026-W45"
    assert verdict.until == datetime(2026, 11, 9, tzinfo=UTC)
    assert verdict.weeks_evaluated == ("2026-W41", "2026-W42", "2026-W43", "2026-W44")
    assert (verdict.listings_created, verdict.units_sold, verdict.sell_through) == (160, 2, Decimal("0.0125"))
    assert verdict.reason == (
        "creation withdrawn: 160 listings created and 2 units sold in 2026-W41..2026-W44, "
        "sell-through 0.012 < 0.05 with at least 100 listings"
    )
    # sales and creations of the current week do not count before the next re-evaluation
    busy_week = {**FLOOD, "2026-W45": 500}
    sales = TWO_UNITS.add(datetime(2026, 11, 4).date(), 50)
    clock.set(datetime(2026, 11, 8, 23, 59, 59, tzinfo=UTC))
    assert evaluate(RULE, busy_week, sales, clock.now()) == verdict


def test_the_weekly_reevaluation_restores_a_seller_whose_sales_caught_up() -> None:
    clock = FixedClock(datetime(2026, 11, 8, 23, 59, 59, tzinfo=UTC))  # Sunday, end of W45
    sales = TWO_UNITS.add(datetime(2026, 11, 4).date(), 20)  # sold in W45, while withdrawn
    assert evaluate(RULE, FLOOD, sales, clock.now()).withdrawn
    clock.advance(timedelta(seconds=1))  # Monday 00:00 UTC: W46 looks at W42..W45
    verdict = evaluate(RULE, FLOOD, sales, clock.now())
    assert not verdict.withdrawn
    assert (verdict.week, verdict.listings_created, verdict.units_sold) == ("2026-W46", 120, 22)
    assert verdict.reason.startswith("creation allowed: 120 listings created and 22 units sold")
    assert verdict.reason.endswith("sell-through 0.183 >= 0.05")


def test_without_sales_the_flood_ages_out_of_the_window_week_by_week() -> None:
    clock = FixedClock(MONDAY_W45)
    history = []
    for _ in range(3):
        history.append((iso_week(clock.now()), evaluate(RULE, FLOOD, SalesHistory(), clock.now()).withdrawn))
        clock.advance(timedelta(days=7))
    # W46 still sees 120 listings (W42..W44), W47 only 80: fewer than min_listings
    assert history == [("2026-W45", True), ("2026-W46", True), ("2026-W47", False)]


def test_an_operator_restore_holds_until_the_next_reevaluation() -> None:
    restore = OperatorRestore("ops-anna", "seller proved a wholesale catalogue", datetime(2026, 11, 4, 10, tzinfo=UTC))
    before = evaluate(RULE, FLOOD, TWO_UNITS, datetime(2026, 11, 4, 9, tzinfo=UTC), restore)
    assert before.withdrawn and before.restored_by is None

    restored = evaluate(RULE, FLOOD, TWO_UNITS, datetime(2026, 11, 8, 23, 0, tzinfo=UTC), restore)
    assert not restored.withdrawn
    assert restored.restored_by == "ops-anna"
    assert restored.until == datetime(2026, 11, 9, tzinfo=UTC)
    assert "seller proved a wholesale catalogue" in restored.reason and "the rule would withdraw" in restored.reason

    next_week = evaluate(RULE, FLOOD, TWO_UNITS, datetime(2026, 11, 9, tzinfo=UTC), restore)
    assert next_week.withdrawn and next_week.restored_by is None  # W42..W45 still hold 120 listings


def test_a_restore_names_its_operator_and_reason() -> None:
    at = datetime(2026, 11, 4, tzinfo=UTC)
    with pytest.raises(ValueError, match="reason"):
        OperatorRestore("ops-anna", "  ", at)
    with pytest.raises(ValueError, match="operator"):
        OperatorRestore("", "ok", at)
    with pytest.raises(ValueError, match="naive"):
        OperatorRestore("ops-anna", "ok", datetime(2026, 11, 4))


def test_a_new_seller_using_its_whole_starter_quota_is_not_withdrawn() -> None:
    created = {"2026-W41": 20, "2026-W42": 20, "2026-W43": 20, "2026-W44": 20}
    verdict = evaluate(RULE, created, SalesHistory(), MONDAY_W45)
    assert not verdict.withdrawn
    assert verdict.reason.endswith("fewer than 100 listings")


@pytest.mark.parametrize(("units", "withdrawn"), [(5, False), (4, True)])
def test_the_thresholds_are_inclusive_of_enough_sell_through(units: int, withdrawn: bool) -> None:
    created = {"2026-W44": 100}
    sales = SalesHistory.of([DaySales(datetime(2026, 10, 5).date(), units)])  # first day of W41
    assert evaluate(RULE, created, sales, MONDAY_W45).withdrawn is withdrawn


def test_sales_before_the_window_do_not_count_and_a_disabled_rule_never_withdraws() -> None:
    old_sales = SalesHistory.of([DaySales(datetime(2026, 10, 4).date(), 1000)])  # Sunday of W40
    assert evaluate(RULE, FLOOD, old_sales, MONDAY_W45).withdrawn
    disabled = evaluate(WithdrawalRule(enabled=False), FLOOD, SalesHistory(), MONDAY_W45)
    assert not disabled.withdrawn and disabled.reason.endswith("the rule is disabled")
    assert disabled.sell_through == 0


def test_a_seller_that_created_nothing_has_no_sell_through() -> None:
    verdict = evaluate(RULE, {}, SalesHistory(), MONDAY_W45)
    assert (verdict.withdrawn, verdict.listings_created, verdict.sell_through) == (False, 0, None)
