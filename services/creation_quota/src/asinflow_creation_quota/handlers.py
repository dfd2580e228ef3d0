"""Use case of the creation-quota service: every listing about to be created takes one unit of its
seller's weekly capacity, or waits (throttled) until capacity returns, or is rejected while the seller's
creation rights are withdrawn.

A batch records what arrived (sales, restores, listings to queue) and settles the sellers it names: their
waiting and throttled listings, in release order (highest priority, then oldest), are granted while the
atomic counters find capacity; the rest wait. On a timer, ``tick`` settles the sellers whose listings were
throttled in an earlier week (the new week's capacity has opened). Settling reads in four steps: load the
sellers' queues and facts (a fixed number of statements for the whole batch), decide (pure, in
``domain/queue.py``; the counters' atomic grant is the one answer it waits for), save, emit. Per-seller
advisory locks, all taken at once, keep two instances from settling one seller at once; the counters'
idempotency record keeps a redelivered or replayed grant from taking a second unit; event ids derive from
their causes, so a replay emits nothing new.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import (
    CreationRightsRestored,
    ListingBrandCleared,
    ListingRejected,
    SellerSalesRecorded,
)
from asinflow_contracts.issues import IssueCode, Severity, issue
from asinflow_runtime.intake import Received
from asinflow_runtime.messages import Incoming, Outgoing
from asinflow_runtime.records import parse_typed
from pydantic import BaseModel

from asinflow_creation_quota.adapters.postgres import PostgresQuotaStore
from asinflow_creation_quota.config import QuotaSettings
from asinflow_creation_quota.domain.queue import Decision, Queued, plan_release
from asinflow_creation_quota.domain.release import capacity_returns_at
from asinflow_creation_quota.domain.standing import facts_window, standing
from asinflow_creation_quota.domain.weeks import Clock, iso_week
from asinflow_creation_quota.domain.withdrawal import OperatorRestore
from asinflow_creation_quota.store import QuotaCounters, QuotaStore, RestoreRecord, SaleRecord

SERVICE = "creation-quota"
SOURCE = f"/asinflow/{SERVICE}"
MODELS: dict[str, type[BaseModel]] = {
    topics.LISTING_BRAND_CLEARED: ListingBrandCleared,
    topics.SELLER_SALES_RECORDED: SellerSalesRecorded,
    topics.SELLER_CREATION_RESTORED: CreationRightsRestored,
}
#: Sellers settled per tick at most (the next tick takes the rest).
RELEASE_BATCH = 1000


@dataclass(frozen=True)
class Arrivals:
    """What a batch brings, as the store records it, and the sellers it names."""

    sales: list[SaleRecord]
    restores: list[RestoreRecord]
    listings: list[Queued]
    sellers: set[str]

    @classmethod
    def of(cls, items: list[Incoming], now: datetime) -> Arrivals:
        sales, restores, listings = [], [], []
        for item in items:
            body = item.body
            if isinstance(body, SellerSalesRecorded):
                sales.append(SaleRecord(body.record_id, body.seller_id, body.day, body.units, body.revenue))
            elif isinstance(body, CreationRightsRestored):
                restores.append(RestoreRecord(body.seller_id, OperatorRestore(body.operator, body.reason, now)))
            elif isinstance(body, ListingBrandCleared):
                listings.append(_queued(item, body, now))
        sellers = {s.seller_id for s in sales} | {r.seller_id for r in restores} | {e.seller_id for e in listings}
        return cls(sales, restores, listings, sellers)


class QuotaHandler:
    def __init__(self, counters: QuotaCounters, settings: QuotaSettings, clock: Clock) -> None:
        self.counters = counters
        self.settings = settings
        self.clock = clock

    def parse(self, received: Received) -> Incoming:
        return parse_typed(received, MODELS)

    def health_checks(self) -> dict[str, Callable[[], Awaitable[str | None]]]:
        """What the service's /readyz checks besides the broker and PostgreSQL: its Redis counters."""

        async def redis() -> str | None:
            await self.counters.ping()
            return None

        return {"redis": redis}

    async def apply(self, conn: asyncpg.Connection, items: list[Incoming]) -> list[Outgoing]:
        return await self.handle(PostgresQuotaStore(conn), items)

    async def tick(self, conn: asyncpg.Connection) -> list[Outgoing]:
        return await self.release(PostgresQuotaStore(conn))

    async def handle(self, store: QuotaStore, items: list[Incoming]) -> list[Outgoing]:
        """Record what arrived (sales, restores, listings to queue), then settle the sellers it names."""
        now = self.clock.now()
        arrived = Arrivals.of(items, now)
        await store.lock_sellers(arrived.sellers)  # before anything of theirs is written or read
        await store.record_sales(arrived.sales)  # recorded first: the standing loaded next counts them
        await store.record_restores(arrived.restores)
        await store.enqueue(arrived.listings)
        return await self.settle(store, arrived.sellers, now)

    async def release(self, store: QuotaStore) -> list[Outgoing]:
        """Settle the sellers whose listings wait for a week that has ended."""
        now = self.clock.now()
        sellers = await store.sellers_to_release(iso_week(now), RELEASE_BATCH)
        await store.lock_sellers(sellers)
        return await self.settle(store, sellers, now)

    async def settle(self, store: QuotaStore, sellers: Collection[str], now: datetime) -> list[Outgoing]:
        """Grant, throttle or reject what waits for these (locked) sellers."""
        if not sellers:
            return []
        policy, rule = self.settings.capacity, self.settings.withdrawal
        # load
        queue = await store.open_queue(sellers)
        facts = await store.seller_facts({e.seller_id for e in queue}, facts_window(policy, rule, now))
        # decide: the plan, then the counters' atomic answers (one round trip), then the decisions
        plan = plan_release(queue, {s: standing(policy, rule, f, now) for s, f in facts.items()}, now)
        decisions = plan.settle(await self.counters.grant_many(plan.requests))
        # save
        await store.save(decisions)
        # emit
        return [_event(d) for d in decisions if d.announced]


def _queued(item: Incoming, listing: ListingBrandCleared, now: datetime) -> Queued:
    return Queued(
        proposal_id=listing.proposal_id,
        listing_id=listing.listing_id,
        seller_id=listing.seller_id,
        priority=listing.proposal.priority,
        since=now,
        cause_id=item.event_id,
        body=listing.model_dump_json(),
        status="waiting",
        throttled_id=None,
    )


def _event(decision: Decision) -> Outgoing:
    entry = decision.entry
    payload: BaseModel | bytes
    if decision.status == "granted":
        event_type, payload = topics.LISTING_QUOTA_GRANTED, _granted(decision)
    elif decision.status == "throttled":
        event_type, payload = topics.LISTING_THROTTLED, _throttled(decision)
    else:
        event_type, payload = topics.LISTING_REJECTED, _rejected(decision)
    envelope = Envelope.caused_by(*entry.cause, event_type, source=SOURCE, subject=str(entry.listing_id))
    return Outgoing(event_type, str(entry.listing_id), envelope, payload)


def _granted(d: Decision) -> bytes:
    """A ``ListingQuotaGranted``: the listing.brand-cleared body and the unit it took."""
    assert d.grant is not None and d.grant.unit is not None and d.limit is not None
    return _extended(d.entry.body, {"week": d.week, "unit": d.grant.unit, "limit": d.limit.limit})


def _throttled(d: Decision) -> bytes:
    """A ``ListingThrottled``: the listing.brand-cleared body, the week's figures and the 8571 warning."""
    assert d.grant is not None and d.limit is not None
    returns = capacity_returns_at(d.at)
    problem = issue(
        IssueCode.CREATION_LIMIT_REACHED,
        f"The weekly creation limit of {d.limit.limit} listings is used up for {d.week} "
        f"({d.limit.explain()}). The listing waits and is created when capacity returns on "
        f"{returns:%Y-%m-%d %H:%M} UTC, highest priority first, then oldest first.",
        remedy="Nothing to do: the listing is released automatically. A higher `priority` releases it earlier; "
        "the weekly limit grows with your sales.",
        severity=Severity.WARNING,
    )
    return _extended(
        d.entry.body,
        {
            "week": d.week,
            "limit": d.limit.limit,
            "used": d.grant.used or 0,
            "capacity_returns_at": returns.isoformat(),
            "issues": [problem.model_dump(mode="json")],
        },
    )


def _rejected(d: Decision) -> ListingRejected:
    verdict = d.verdict
    assert verdict is not None
    problem = issue(
        IssueCode.CREATION_RIGHTS_WITHDRAWN,
        f"Creation of new listings is withdrawn for week {verdict.week}: {verdict.reason}.",
        remedy=f"Creation is re-evaluated on {verdict.until:%Y-%m-%d %H:%M} UTC; propose the listing again "
        "after that, or ask an operator to restore creation (asinflow quota restore SELLER --reason …).",
    )
    return ListingRejected.of(ListingBrandCleared.model_validate_json(d.entry.body), [problem])


def _extended(body: str, fields: dict[str, Any]) -> bytes:
    """The stored listing.brand-cleared body (checked against its contract when it arrived) with ``fields``
    added: spliced as text, without parsing and validating the whole body again for each event. None of these
    fields is a field of that body."""
    head = body.rstrip()
    if not head.endswith("}"):
        raise ValueError("a stored event body is a JSON object")
    head = head[:-1].rstrip()
    extra = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)[1:]
    return f"{head}{'' if head.endswith('{') else ','}{extra}".encode()
