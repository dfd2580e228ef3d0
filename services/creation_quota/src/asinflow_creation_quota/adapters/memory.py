"""In-memory fakes of the creation-quota service's ports, for handler tests without PostgreSQL or Redis: the
same observable behaviour as ``PostgresQuotaStore`` and ``RedisQuotaCounters`` for everything the handler
relies on (first write wins on a repeated record, supersession, never over-granting); locks are no-ops."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from asinflow_creation_quota.domain.grants import CounterHoldings, GrantRequest, GrantResult, GrantStatus
from asinflow_creation_quota.domain.queue import Decision, Queued, QueueStatus
from asinflow_creation_quota.domain.sales import DaySales, SalesHistory
from asinflow_creation_quota.domain.standing import FactsWindow, SellerFacts
from asinflow_creation_quota.domain.weeks import DEFAULT_GRACE, counter_expiry, iso_week, parse_week, previous_week
from asinflow_creation_quota.domain.withdrawal import OperatorRestore
from asinflow_creation_quota.store import RestoreRecord, SaleRecord


@dataclass(frozen=True)
class QueueRow:
    """A row of the queue as the store keeps it."""

    entry: Queued
    week: str | None = None
    decided_at: datetime | None = None

    @property
    def status(self) -> QueueStatus:
        return self.entry.status


@dataclass(frozen=True)
class GrantRow:
    proposal_id: str
    seller_id: str
    week: str
    unit: int
    granted_at: datetime


class InMemoryQuotaStore:
    """``store.QuotaStore`` in plain dicts."""

    def __init__(self) -> None:
        self.queue: dict[str, QueueRow] = {}  # proposal id -> row, in insertion order
        self.grants: dict[str, GrantRow] = {}
        self.sales: dict[str, SaleRecord] = {}
        self.restores: dict[tuple[str, datetime], OperatorRestore] = {}
        self.locked: list[list[str]] = []  # the sellers of each lock_sellers call, as the adapter orders them

    async def lock_sellers(self, sellers: Collection[str]) -> None:
        if sellers:
            self.locked.append(sorted(set(sellers)))

    async def record_sales(self, sales: Sequence[SaleRecord]) -> None:
        for sale in sales:
            self.sales.setdefault(sale.record_id, sale)

    async def record_restores(self, restores: Sequence[RestoreRecord]) -> None:
        for r in restores:
            self.restores.setdefault((r.seller_id, r.restore.at), r.restore)

    async def enqueue(self, entries: Sequence[Queued]) -> None:
        listings = {e.listing_id for e in entries}
        proposals = {str(e.proposal_id) for e in entries}
        now = datetime.now(UTC)
        for key, row in self.queue.items():
            if row.entry.listing_id in listings and key not in proposals and row.status in ("waiting", "throttled"):
                self.queue[key] = QueueRow(dataclasses.replace(row.entry, status="superseded"), row.week, now)
        for e in entries:
            self.queue.setdefault(str(e.proposal_id), QueueRow(dataclasses.replace(e, status="waiting")))

    async def sellers_to_release(self, week: str, limit: int) -> list[str]:
        found = {
            r.entry.seller_id
            for r in self.queue.values()
            if r.status == "throttled" and r.week is not None and r.week < week
        }
        return sorted(found)[:limit]

    async def open_queue(self, sellers: Collection[str]) -> list[Queued]:
        wanted = set(sellers)
        return [
            r.entry for r in self.queue.values() if r.entry.seller_id in wanted and r.status in ("waiting", "throttled")
        ]

    async def seller_facts(self, sellers: Collection[str], window: FactsWindow) -> dict[str, SellerFacts]:
        facts = {}
        for seller in sorted(set(sellers)):
            sales = [
                DaySales(s.day, s.units, s.revenue)
                for s in self.sales.values()
                if s.seller_id == seller and s.day >= window.since
            ]
            created: dict[str, int] = {}
            for g in self.grants.values():
                if g.seller_id == seller and g.week in window.weeks:
                    created[g.week] = created.get(g.week, 0) + 1
            restores = [r for (s, _), r in self.restores.items() if s == seller]
            latest = max(restores, key=lambda r: r.at) if restores else None
            facts[seller] = SellerFacts(SalesHistory.of(sales), created, latest)
        return facts

    async def save(self, decisions: Sequence[Decision]) -> None:
        for d in decisions:
            key = str(d.entry.proposal_id)
            row = self.queue.get(key)
            if row is not None:
                throttled_id = d.throttled_id or row.entry.throttled_id
                entry = dataclasses.replace(row.entry, status=d.status, throttled_id=throttled_id)
                self.queue[key] = QueueRow(entry, d.week, d.at)
            if d.status == "granted" and key not in self.grants:
                assert d.grant is not None and d.grant.unit is not None
                self.grants[key] = GrantRow(key, d.entry.seller_id, d.week, d.grant.unit, d.at)

    async def throttled_counts(self, sellers: Collection[str]) -> dict[str, int]:
        counts = dict.fromkeys(sorted(set(sellers)), 0)
        for r in self.queue.values():
            if r.entry.seller_id in counts and r.status == "throttled":
                counts[r.entry.seller_id] += 1
        return counts


class InMemoryQuotaCounters:
    """``store.QuotaCounters`` in dicts, with the grant script's semantics (``adapters/grant.lua``): a listing's
    grant of this week or the last is returned as it is; else a unit is taken if the week's count is below the
    limit. A week's counters expire at the next week's start plus ``grace`` (measured at the request's instant)."""

    async def ping(self) -> None:
        return None

    def __init__(self, grace: timedelta = DEFAULT_GRACE) -> None:
        if grace < timedelta(0):
            raise ValueError("grace must not be negative")
        self._grace = grace
        self._used: dict[tuple[str, str], int] = {}
        self._grants: dict[tuple[str, str], dict[str, int]] = {}

    async def grant_many(self, requests: Sequence[GrantRequest]) -> list[GrantResult]:
        return [self._grant(r) for r in requests]

    @classmethod
    def starting_from(cls, holdings: CounterHoldings, grace: timedelta = DEFAULT_GRACE) -> InMemoryQuotaCounters:
        """Counters that start from ``holdings`` (a copy: granting on them changes nothing else), e.g. to see what
        the real counters would answer without asking them to take a unit."""
        counters = cls(grace)
        counters._used = dict(holdings.used)
        counters._grants = {key: dict(units) for key, units in holdings.units.items()}
        return counters

    async def holdings(self, requests: Sequence[GrantRequest]) -> CounterHoldings:
        weeks = {(r.seller_id, w) for r in requests for w in (iso_week(r.at), previous_week(r.at))}
        listings = {r.listing_id for r in requests}
        return CounterHoldings(
            {key: self._used.get(key, 0) for key in weeks},
            {
                key: {k: u for k, u in self._grants[key].items() if k in listings}
                for key in weeks
                if key in self._grants
            },
        )

    async def usage_many(self, seller_weeks: Collection[tuple[str, str]]) -> dict[tuple[str, str], int]:
        return {key: self._used.get(key, 0) for key in sorted(set(seller_weeks))}

    def granted(self, seller_id: str, week: str) -> dict[str, int]:
        """Listing id -> unit, for every grant of ``week`` (tests)."""
        return dict(self._grants.get((seller_id, week), {}))

    def _grant(self, r: GrantRequest) -> GrantResult:
        week, last_week = iso_week(r.at), previous_week(r.at)
        self._expire((r.seller_id, week), r.at)
        self._expire((r.seller_id, last_week), r.at)
        this = self._grants.get((r.seller_id, week), {})
        if r.listing_id in this:
            return GrantResult(r.seller_id, r.listing_id, GrantStatus.ALREADY_GRANTED, week, this[r.listing_id], None)
        last = self._grants.get((r.seller_id, last_week), {})
        if r.listing_id in last:
            unit = last[r.listing_id]
            return GrantResult(r.seller_id, r.listing_id, GrantStatus.ALREADY_GRANTED, last_week, unit, None)
        used = self._used.get((r.seller_id, week), 0)
        if used >= r.limit:
            return GrantResult(r.seller_id, r.listing_id, GrantStatus.OVER_LIMIT, week, None, used)
        used += 1
        self._used[(r.seller_id, week)] = used
        self._grants.setdefault((r.seller_id, week), {})[r.listing_id] = used
        return GrantResult(r.seller_id, r.listing_id, GrantStatus.GRANTED, week, used, used)

    def _expire(self, key: tuple[str, str], at: datetime) -> None:
        if at >= counter_expiry(parse_week(key[1]), self._grace):
            self._used.pop(key, None)
            self._grants.pop(key, None)
