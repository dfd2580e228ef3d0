"""Withdrawal of creation rights from a seller that creates listings far out of proportion to its sales.

The rule (defaults in brackets, configurable in ``WithdrawalRule``): over the trailing ``weeks`` [4]
complete ISO weeks before the current one, if the seller created at least ``min_listings`` [100] listings
and its sell-through, units sold in those weeks per listing created, is below ``min_sell_through``
[0.05, one unit per 20 listings], creation is withdrawn for the current week: its listings are rejected
``CREATION_RIGHTS_WITHDRAWN``. The defaults leave a new seller alone (20 a week for 4 weeks is 80
listings); they catch a seller whose high-revenue tier lets it create hundreds of listings a week that
do not sell.

The verdict looks only at complete weeks, so it is the same all week and is recomputed at each ISO-week
boundary (``until``). An operator may restore creation with a recorded reason; the restore holds until
that next re-evaluation, where the rule decides again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from asinflow_creation_quota.domain.sales import SalesHistory
from asinflow_creation_quota.domain.weeks import (
    ONE_WEEK,
    as_utc,
    iso_week,
    next_week_start,
    trailing_weeks,
    week_start,
)


class WithdrawalRule(BaseModel):
    """When creation is withdrawn (module docstring); ``enabled=False`` never withdraws."""

    model_config = ConfigDict(frozen=True)

    enabled: bool = Field(default=True, description="Apply the rule at all.")
    weeks: int = Field(default=4, ge=1, le=52, description="Complete ISO weeks looked at, before the current one.")
    min_listings: int = Field(default=100, ge=1, description="Listings created in those weeks before the rule bites.")
    min_sell_through: Decimal = Field(
        default=Decimal("0.05"), ge=0, description="Units sold per listing created below which creation is withdrawn."
    )


@dataclass(frozen=True)
class OperatorRestore:
    """An operator gave creation back, with a reason; it holds until the next weekly re-evaluation."""

    operator: str
    reason: str
    at: datetime

    def __post_init__(self) -> None:
        if not self.operator.strip():
            raise ValueError("a restore names the operator")
        if not self.reason.strip():
            raise ValueError("a restore records its reason")
        as_utc(self.at)


@dataclass(frozen=True)
class Verdict:
    """Whether creation is withdrawn for ``week``, why, and until when (the next re-evaluation)."""

    withdrawn: bool
    reason: str
    week: str
    until: datetime
    weeks_evaluated: tuple[str, ...]
    listings_created: int
    units_sold: int
    sell_through: Decimal | None
    restored_by: str | None = None


def evaluate(
    rule: WithdrawalRule,
    created_per_week: Mapping[str, int],
    sales: SalesHistory,
    at: datetime,
    restore: OperatorRestore | None = None,
) -> Verdict:
    """The verdict for the week containing ``at``.

    ``created_per_week`` maps ISO week names to listings created (granted) in that week; weeks it lacks
    count as zero. ``restore`` is the seller's latest operator restore, if any: it applies when it was
    made in ``at``'s week, at or before ``at``.
    """
    weeks = tuple(trailing_weeks(at, rule.weeks))
    start = week_start(at)
    totals = sales.between((start - ONE_WEEK * rule.weeks).date(), (start - timedelta(days=1)).date())
    created = sum(created_per_week.get(week, 0) for week in weeks)
    sell_through = Decimal(totals.units) / Decimal(created) if created else None
    span = f"{weeks[0]}..{weeks[-1]}"
    figures = f"{created} listings created and {totals.units} units sold in {span}"
    flood = (
        rule.enabled
        and created >= rule.min_listings
        and sell_through is not None
        and sell_through < rule.min_sell_through
    )
    if not flood:
        why = "the rule is disabled" if not rule.enabled else _why_not(rule, created, sell_through)
        reason = f"creation allowed: {figures}; {why}"
        withdrawn, restored_by = False, None
    elif restore is not None and iso_week(restore.at) == iso_week(at) and as_utc(restore.at) <= as_utc(at):
        reason = (
            f"restored by {restore.operator} at {as_utc(restore.at).isoformat()}: {restore.reason} "
            f"(the rule would withdraw: {figures}, sell-through {sell_through:.3f} < {rule.min_sell_through})"
        )
        withdrawn, restored_by = False, restore.operator
    else:
        reason = (
            f"creation withdrawn: {figures}, sell-through {sell_through:.3f} < {rule.min_sell_through} "
            f"with at least {rule.min_listings} listings"
        )
        withdrawn, restored_by = True, None
    return Verdict(
        withdrawn=withdrawn,
        reason=reason,
        week=iso_week(at),
        until=next_week_start(at),
        weeks_evaluated=weeks,
        listings_created=created,
        units_sold=totals.units,
        sell_through=sell_through,
        restored_by=restored_by,
    )


def _why_not(rule: WithdrawalRule, created: int, sell_through: Decimal | None) -> str:
    if created < rule.min_listings:
        return f"fewer than {rule.min_listings} listings"
    return f"sell-through {sell_through:.3f} >= {rule.min_sell_through}"
