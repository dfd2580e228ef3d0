"""A seller's standing at an instant: its weekly limit and its withdrawal verdict, from the facts kept
about it (sales, listings created per week, the latest operator restore). Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from asinflow_creation_quota.domain.capacity import CapacityPolicy, Limit, weekly_limit
from asinflow_creation_quota.domain.sales import SalesHistory
from asinflow_creation_quota.domain.weeks import trailing_weeks
from asinflow_creation_quota.domain.withdrawal import OperatorRestore, Verdict, WithdrawalRule, evaluate


@dataclass(frozen=True)
class SellerFacts:
    """What is kept about one seller, as far back as ``FactsWindow`` reaches."""

    sales: SalesHistory = field(default_factory=SalesHistory)
    created_per_week: Mapping[str, int] = field(default_factory=dict)
    restore: OperatorRestore | None = None


@dataclass(frozen=True)
class FactsWindow:
    """How far back the facts of a standing at some instant reach: sales since ``since`` (a UTC day), listings
    created in ``weeks``."""

    since: date
    weeks: tuple[str, ...]


@dataclass(frozen=True)
class Standing:
    limit: Limit
    verdict: Verdict


def facts_window(policy: CapacityPolicy, rule: WithdrawalRule, at: datetime) -> FactsWindow:
    """The facts ``standing`` reads at ``at``: the capacity window's sales and the withdrawal rule's weeks."""
    days = max(policy.window_days, 7 * (rule.weeks + 1))
    return FactsWindow((at - timedelta(days=days)).date(), tuple(trailing_weeks(at, rule.weeks)))


def standing(policy: CapacityPolicy, rule: WithdrawalRule, facts: SellerFacts, at: datetime) -> Standing:
    """The seller's limit for the week of ``at`` and whether creation is withdrawn for it."""
    verdict = evaluate(rule, facts.created_per_week, facts.sales, at, facts.restore)
    return Standing(weekly_limit(policy, facts.sales, at), verdict)
