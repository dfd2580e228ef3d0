"""Use case of the creation-quota service: every listing about to be created takes one unit of its
seller's weekly capacity, or waits (throttled) until capacity returns, or is rejected while the seller's
creation rights are withdrawn.

One procedure settles a seller: its waiting and throttled listings, in release order (highest priority,
then oldest), are granted while the atomic Redis script finds capacity; the rest wait. It runs for the
sellers of each batch (new listings, new sales, restores) and, on a timer, for sellers whose listings
were throttled in an earlier week (the new week's capacity has opened). A per-seller advisory lock keeps
two instances from settling one seller at once; the script's idempotency record keeps a redelivered or
replayed grant from taking a second unit; event ids derive from their causes, so a replay emits nothing new.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

import asyncpg
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import (
    CreationRightsRestored,
    ListingBrandCleared,
    ListingQuotaGranted,
    ListingRejected,
    ListingThrottled,
    SellerSalesRecorded,
)
from asinflow_contracts.issues import Issue, IssueCode, Severity, issue
from asinflow_runtime.intake import Received
from asinflow_runtime.messages import Incoming, Outgoing
from asinflow_runtime.records import parse_typed
from pydantic import BaseModel

from asinflow_creation_quota.adapters import postgres
from asinflow_creation_quota.adapters.postgres import Queued
from asinflow_creation_quota.adapters.redis_quota import GrantRequest, GrantResult, QuotaStore
from asinflow_creation_quota.config import QuotaSettings
from asinflow_creation_quota.domain.capacity import Limit
from asinflow_creation_quota.domain.release import Waiting, capacity_returns_at, release_order
from asinflow_creation_quota.domain.weeks import Clock, iso_week
from asinflow_creation_quota.domain.withdrawal import OperatorRestore, Verdict
from asinflow_creation_quota.seller_state import seller_state

SERVICE = "creation-quota"
SOURCE = f"/asinflow/{SERVICE}"
MODELS: dict[str, type[BaseModel]] = {
    topics.LISTING_BRAND_CLEARED: ListingBrandCleared,
    topics.SELLER_SALES_RECORDED: SellerSalesRecorded,
    topics.SELLER_CREATION_RESTORED: CreationRightsRestored,
}


class QuotaHandler:
    def __init__(self, store: QuotaStore, settings: QuotaSettings, clock: Clock) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock

    def parse(self, received: Received) -> Incoming:
        return parse_typed(received, MODELS)

    async def apply(self, conn: asyncpg.Connection, items: list[Incoming]) -> list[Outgoing]:
        now = self.clock.now()
        sellers: set[str] = set()
        sales = [i.body for i in items if isinstance(i.body, SellerSalesRecorded)]
        await postgres.record_sales(conn, [(s.record_id, s.seller_id, s.day, s.units, s.revenue) for s in sales])
        sellers |= {s.seller_id for s in sales}
        for item in items:
            if isinstance(item.body, CreationRightsRestored):
                r = item.body
                await postgres.record_restore(conn, r.seller_id, OperatorRestore(r.operator, r.reason, now))
                sellers.add(r.seller_id)
        listings = [i for i in items if isinstance(i.body, ListingBrandCleared)]
        await postgres.enqueue(conn, [_queued(i, now) for i in listings])
        sellers |= {i.body.seller_id for i in listings}
        return await self.settle(conn, sellers, now)

    async def tick(self, conn: asyncpg.Connection) -> list[Outgoing]:
        """Release what waits for a week that has ended."""
        now = self.clock.now()
        return await self.settle(conn, await postgres.sellers_to_release(conn, iso_week(now)), now)

    async def settle(self, conn: asyncpg.Connection, sellers: set[str] | list[str], now: datetime) -> list[Outgoing]:
        if not sellers:
            return []
        await postgres.lock_sellers(conn, sellers)
        queued: dict[str, list[Queued]] = defaultdict(list)
        for entry in await postgres.open_queue(conn, sellers):
            queued[entry.seller_id].append(entry)
        outgoing: list[Outgoing] = []
        requests: list[tuple[Queued, GrantRequest, Limit]] = []
        for seller, entries in sorted(queued.items()):
            limit, verdict = await seller_state(conn, self.settings, seller, now)
            if verdict.withdrawn:
                outgoing += await self._reject_all(conn, entries, verdict, now)
                continue
            by_id = {str(e.proposal_id): e for e in entries}
            for waiting in release_order(Waiting(str(e.proposal_id), e.priority, e.since) for e in entries):
                entry = by_id[waiting.listing_id]
                requests.append((entry, GrantRequest(seller, waiting.listing_id, limit.limit, now), limit))
        results = await self.store.grant_many([r for _, r, _ in requests])  # one round trip for the batch
        marks: list[tuple[uuid.UUID, str, uuid.UUID | None, str | None, datetime]] = []
        grants: list[tuple[uuid.UUID, str, str, int, datetime]] = []
        for (entry, _, limit), result in zip(requests, results, strict=True):
            if result.granted:
                assert result.unit is not None
                outgoing.append(_granted(entry, result, limit))
                marks.append((entry.proposal_id, "granted", None, result.week, now))
                grants.append((entry.proposal_id, entry.seller_id, result.week, result.unit, now))
            elif entry.status == "waiting":
                event = _throttled(entry, result, limit, now)
                outgoing.append(event)
                marks.append((entry.proposal_id, "throttled", event.envelope.id, result.week, now))
            else:  # still throttled: remember the week it was last looked at
                marks.append((entry.proposal_id, "throttled", None, result.week, now))
        await postgres.mark(conn, marks)
        await postgres.record_grants(conn, grants)
        return outgoing

    async def _reject_all(
        self, conn: asyncpg.Connection, entries: list[Queued], verdict: Verdict, now: datetime
    ) -> list[Outgoing]:
        problem = issue(
            IssueCode.CREATION_RIGHTS_WITHDRAWN,
            f"Creation of new listings is withdrawn for week {verdict.week}: {verdict.reason}.",
            remedy=f"Creation is re-evaluated on {verdict.until:%Y-%m-%d %H:%M} UTC; propose the listing again "
            "after that, or ask an operator to restore creation (asinflow quota restore SELLER --reason …).",
        )
        outgoing = []
        for entry in entries:
            listing = ListingBrandCleared.model_validate_json(entry.body)
            outgoing.append(_event(entry, topics.LISTING_REJECTED, ListingRejected.of(listing, [problem])))
        await postgres.mark(conn, [(e.proposal_id, "rejected", None, verdict.week, now) for e in entries])
        return outgoing


def _queued(item: Incoming, now: datetime) -> Queued:
    listing: ListingBrandCleared = item.body
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


def _event(entry: Queued, event_type: str, payload: BaseModel) -> Outgoing:
    """Caused by the listing.brand-cleared event, or by the listing.throttled event of a throttled listing
    (so the ledger applies the release after the throttle, whatever the topics' order)."""
    if entry.throttled_id is not None:
        cause: tuple[uuid.UUID, str] = (entry.throttled_id, topics.LISTING_THROTTLED)
    else:
        cause = (entry.cause_id, topics.LISTING_BRAND_CLEARED)
    envelope = Envelope.caused_by(*cause, event_type, source=SOURCE, subject=str(entry.listing_id))
    return Outgoing(event_type, str(entry.listing_id), envelope, payload)


def _granted(entry: Queued, result: GrantResult, limit: Limit) -> Outgoing:
    base = ListingBrandCleared.model_validate_json(entry.body).model_dump()
    assert result.unit is not None
    payload = ListingQuotaGranted(**base, week=result.week, unit=result.unit, limit=limit.limit)
    return _event(entry, topics.LISTING_QUOTA_GRANTED, payload)


def _throttled(entry: Queued, result: GrantResult, limit: Limit, now: datetime) -> Outgoing:
    returns = capacity_returns_at(now)
    problem: Issue = issue(
        IssueCode.CREATION_LIMIT_REACHED,
        f"The weekly creation limit of {limit.limit} listings is used up for {result.week} "
        f"({limit.explain()}). The listing waits and is created when capacity returns on "
        f"{returns:%Y-%m-%d %H:%M} UTC, highest priority first, then oldest first.",
        remedy="Nothing to do: the listing is released automatically. A higher `priority` releases it earlier; "
        "the weekly limit grows with your sales.",
        severity=Severity.WARNING,
    )
    base = ListingBrandCleared.model_validate_json(entry.body).model_dump()
    payload = ListingThrottled(
        **base,
        week=result.week,
        limit=limit.limit,
        used=result.used or 0,
        capacity_returns_at=returns,
        issues=[problem],
    )
    return _event(entry, topics.LISTING_THROTTLED, payload)
