"""The weekly creation limit as a documented, configurable function of a seller's trailing sales.

The function (defaults in brackets, every figure configurable in ``CapacityPolicy``):

1. Sum the seller's units and revenue over the trailing ``window_days`` [28] UTC days, today included.
2. No units sold in that window: tier ``new``, limit ``new_seller_limit`` [20] listings a week.
3. Otherwise the tier is the one with the highest ``min_revenue`` not above the trailing revenue, and
   ``limit = min(ceiling, base + floor(per_unit × units))``:

   | tier         | trailing revenue | base  | per unit | ceiling |
   |--------------|------------------|-------|----------|---------|
   | starter      | ≥ 0              | 20    | 2        | 100     |
   | established  | ≥ 1,000          | 100   | 1        | 1,000   |
   | professional | ≥ 25,000         | 1,000 | 0.5      | 10,000  |

The policy refuses tiers that would make the limit shrink when sales grow: each tier's ``base`` is at
least the previous tier's ``ceiling``, and ``new_seller_limit`` is at most the first tier's ``base``; so
the limit never falls as units or revenue rise. The limit is recomputed whenever it is asked for, so a
sale recorded today raises this week's limit at once; a window that slides past old sales may lower it,
which only stops further grants (a grant already made stays).

Environment: the service's settings nest it, e.g. ``capacity: CapacityPolicy = CapacityPolicy()`` in a
settings class with ``env_prefix="ASINFLOW_QUOTA_"`` and ``env_nested_delimiter="__"``; then
``ASINFLOW_QUOTA_CAPACITY__NEW_SELLER_LIMIT=30`` or ``ASINFLOW_QUOTA_CAPACITY__TIERS='[{"name": ...}]'``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from asinflow_creation_quota.domain.sales import SalesHistory

NEW_TIER = "new"


def _num(value: Decimal | int) -> str:
    """A figure as people write it: 2 not 2.00, 1000 not 1E+3."""
    return f"{Decimal(value).normalize():f}"


class Tier(BaseModel):
    """One band of trailing revenue and the limit function that applies in it."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1, description="Shown to sellers and operators, e.g. `established`.")
    min_revenue: Decimal = Field(ge=0, description="Trailing revenue from which this tier applies.")
    base: int = Field(ge=0, description="Listings a week granted as soon as the seller has sold anything.")
    per_unit: Decimal = Field(ge=0, description="Extra listings a week per unit sold in the window.")
    ceiling: int = Field(ge=0, description="The most listings a week this tier allows.")

    @model_validator(mode="after")
    def _ceiling_covers_base(self) -> Self:
        if self.ceiling < self.base:
            raise ValueError(f"tier {self.name}: ceiling {self.ceiling} is below base {self.base}")
        return self

    @property
    def formula(self) -> str:
        return f"min({self.ceiling}, {self.base} + floor({_num(self.per_unit)} × units))"

    def limit(self, units: int) -> int:
        return min(self.ceiling, self.base + math.floor(self.per_unit * units))


DEFAULT_TIERS: tuple[Tier, ...] = (
    Tier(name="starter", min_revenue=Decimal(0), base=20, per_unit=Decimal(2), ceiling=100),
    Tier(name="established", min_revenue=Decimal(1_000), base=100, per_unit=Decimal(1), ceiling=1_000),
    Tier(name="professional", min_revenue=Decimal(25_000), base=1_000, per_unit=Decimal("0.5"), ceiling=10_000),
)


class CapacityPolicy(BaseModel):
    """How many new listings a seller may create per ISO week, from its trailing sales (module docstring)."""

    model_config = ConfigDict(frozen=True)

    window_days: int = Field(default=28, ge=1, le=366, description="Days of sales history the limit looks at.")
    new_seller_limit: int = Field(default=20, ge=0, description="Weekly limit of a seller with no sales in the window.")
    tiers: tuple[Tier, ...] = Field(default=DEFAULT_TIERS, min_length=1, description="Revenue bands, lowest first.")

    @model_validator(mode="after")
    def _limits_never_shrink_with_sales(self) -> Self:
        first = self.tiers[0]
        if first.min_revenue != 0:
            raise ValueError("the first tier must start at min_revenue 0")
        if self.new_seller_limit > first.base:
            raise ValueError(f"new_seller_limit {self.new_seller_limit} exceeds the first tier's base {first.base}")
        for lower, upper in zip(self.tiers, self.tiers[1:], strict=False):
            if upper.min_revenue <= lower.min_revenue:
                raise ValueError(f"tier {upper.name}: min_revenue must rise above tier {lower.name}'s")
            if upper.base < lower.ceiling:
                raise ValueError(f"tier {upper.name}: base {upper.base} is below tier {lower.name}'s ceiling")
        return self

    def tier_for(self, revenue: Decimal) -> Tier:
        return [tier for tier in self.tiers if tier.min_revenue <= revenue][-1]

    def describe(self) -> list[str]:
        """The whole function, one line per case, for ``asinflow quota show``."""
        lines = [f"{NEW_TIER}: no units sold in the trailing {self.window_days} days -> {self.new_seller_limit}"]
        lines += [f"{t.name}: trailing revenue >= {_num(t.min_revenue)} -> {t.formula}" for t in self.tiers]
        return lines


@dataclass(frozen=True)
class Limit:
    """A seller's weekly limit with the figures that produced it, so it can explain itself."""

    limit: int
    tier: str
    window_days: int
    first_day: date
    last_day: date
    trailing_units: int
    trailing_revenue: Decimal
    formula: str
    computation: str

    def explain(self) -> str:
        return (
            f"tier {self.tier}: {self.trailing_units} units and {_num(self.trailing_revenue)} revenue "
            f"from {self.first_day} to {self.last_day}; limit = {self.computation}"
        )


def weekly_limit(policy: CapacityPolicy, sales: SalesHistory, at: datetime) -> Limit:
    """The limit of the week containing ``at``, from the sales of the ``window_days`` days ending on ``at``'s day."""
    totals = sales.trailing(policy.window_days, at)
    if totals.units == 0:
        tier_name, limit = NEW_TIER, policy.new_seller_limit
        formula = computation = f"new_seller_limit = {limit}"
    else:
        tier = policy.tier_for(totals.revenue)
        tier_name, limit, formula = tier.name, tier.limit(totals.units), tier.formula
        computation = f"min({tier.ceiling}, {tier.base} + floor({_num(tier.per_unit)} × {totals.units})) = {limit}"
    return Limit(
        limit=limit,
        tier=tier_name,
        window_days=policy.window_days,
        first_day=totals.first_day,
        last_day=totals.last_day,
        trailing_units=totals.units,
        trailing_revenue=totals.revenue,
        formula=formula,
        computation=computation,
    )
