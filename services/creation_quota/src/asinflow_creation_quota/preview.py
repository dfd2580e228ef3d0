"""The creation quota's decision for one listing without its effects, and the seller's restrictions.

A preview settles the seller as the handler would if the listing arrived now (``QuotaHandler.settle``): its
open queue with the listing added (an open earlier version of the same listing superseded, as ``enqueue``
does), its standing from the service's own tables and settings, the release plan (``domain.queue``), and the
counters' answers. The counters are only read (``holdings``: the week's count and the units the listings
asked about hold); their answers are replayed on ``InMemoryQuotaCounters``, the fake the store contract suite
holds to the grant script's semantics. Nothing is queued, granted, counted or emitted.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Literal, Self

from asinflow_contracts import topics
from asinflow_contracts.base import Id
from asinflow_contracts.events import (
    ListingBrandCleared,
    ListingProposed,
    ListingQuotaGranted,
    ListingRejected,
    ListingThrottled,
)
from asinflow_contracts.ids import caused_event_id, listing_id
from asinflow_contracts.issues import Issue, IssueCode
from asinflow_contracts.limits import MAX_PRIORITY, MIN_PRIORITY
from pydantic import BaseModel, ConfigDict, Field, model_validator

from asinflow_creation_quota import handlers
from asinflow_creation_quota.adapters.memory import InMemoryQuotaCounters
from asinflow_creation_quota.config import QuotaSettings
from asinflow_creation_quota.domain.grants import GrantRequest
from asinflow_creation_quota.domain.queue import Decision, Queued, plan_release
from asinflow_creation_quota.domain.release import capacity_returns_at
from asinflow_creation_quota.domain.standing import Standing, facts_window, standing
from asinflow_creation_quota.domain.weeks import iso_week, next_week_start
from asinflow_creation_quota.store import QuotaCounters, QuotaStore

#: The SKU of the stand-in listing a preview without a listing settles (it names no real listing).
STAND_IN_SKU = "(preview)"


class QuotaPreviewRequest(BaseModel):
    """A listing about to be created: the `listing.brand-cleared` payload, or only its seller and priority."""

    model_config = ConfigDict(extra="forbid")

    listing: ListingBrandCleared | None = Field(
        default=None, description="The `listing.brand-cleared` payload (brand gating's preview's `passes_on`)."
    )
    seller_id: Id | None = Field(default=None, description="The seller, when no listing is given.")
    priority: int | None = Field(
        default=None, ge=MIN_PRIORITY, le=MAX_PRIORITY, description="Release priority (default: the listing's, or 0)."
    )

    @model_validator(mode="after")
    def _names_a_seller(self) -> Self:
        if self.listing is None and self.seller_id is None:
            raise ValueError("give the listing (a listing.brand-cleared payload) or at least its seller_id")
        if self.listing is not None and self.seller_id not in (None, self.listing.seller_id):
            raise ValueError("seller_id is not the listing's seller")
        return self


class QuotaPreview(BaseModel):
    """What the creation quota would decide for this listing now. Nothing is queued, counted or emitted."""

    outcome: Literal["granted", "throttled", "rejected"] = Field(
        description="`granted`: it takes a unit of this week's capacity now (on to the catalog); `throttled`: it "
        "waits until capacity returns (CREATION_LIMIT_REACHED, 8571, a warning); `rejected`: creation rights are "
        "withdrawn (CREATION_RIGHTS_WITHDRAWN)."
    )
    seller_id: str = Field(description="The seller.")
    listing_id: uuid.UUID | None = Field(default=None, description="The listing, when one was given.")
    proposal_id: uuid.UUID | None = Field(default=None, description="The listing version, when one was given.")
    week: str = Field(description="The ISO week (UTC) of the decision, e.g. 2026-W48.")
    limit: int | None = Field(default=None, description="The seller's weekly limit (none when withdrawn).")
    used: int = Field(description="Units of the week used so far.")
    unit: int | None = Field(default=None, description="Granted: the unit it would take (or holds already).")
    ahead: int = Field(description="The seller's listings that wait ahead of it in release order.")
    capacity_returns_at: datetime | None = Field(default=None, description="Throttled: when capacity returns.")
    withdrawn_until: datetime | None = Field(
        default=None, description="Rejected: the next weekly re-evaluation of creation rights."
    )
    limit_explained: str | None = Field(default=None, description="How the limit follows from the seller's sales.")
    withdrawal: str = Field(description="The withdrawal verdict with its figures.")
    code: IssueCode | None = Field(default=None, description="The issue's code when throttled or rejected.")
    issues: list[Issue] = Field(
        default_factory=list, description="The issues the event would carry (8571 warning, or the rejection)."
    )
    passes_on: ListingQuotaGranted | None = Field(
        default=None,
        description="Granted: the `listing.quota-granted` payload (the catalog's POST /preview body).",
    )
    throttled: ListingThrottled | None = Field(default=None, description="The `listing.throttled` payload.")
    rejection: ListingRejected | None = Field(default=None, description="The `listing.rejected` payload.")


async def preview(
    store: QuotaStore,
    counters: QuotaCounters,
    settings: QuotaSettings,
    asked: QuotaPreviewRequest,
    now: datetime,
) -> QuotaPreview:
    listing = asked.listing or _stand_in(asked.seller_id or "")
    priority = asked.priority if asked.priority is not None else listing.proposal.priority
    entry = Queued(
        proposal_id=listing.proposal_id,
        listing_id=listing.listing_id,
        seller_id=listing.seller_id,
        priority=priority,
        since=now,
        cause_id=caused_event_id(listing.proposal_id, topics.LISTING_BRAND_CLEARED),
        body=listing.model_dump_json(),
        status="waiting",
        throttled_id=None,
    )
    policy, rule = settings.capacity, settings.withdrawal
    # load: the seller's open queue with this listing queued as ``enqueue`` would queue it, and its facts
    queue = await store.open_queue([entry.seller_id])
    queued = next((e for e in queue if e.proposal_id == entry.proposal_id), None)
    if queued is None:
        queue = [e for e in queue if e.listing_id != entry.listing_id] + [entry]
    entry = queued or entry
    facts = await store.seller_facts([entry.seller_id], facts_window(policy, rule, now))
    found = standing(policy, rule, facts[entry.seller_id], now)
    # decide: the plan, the counters' answers replayed on a copy of what they hold, the decisions
    plan = plan_release(queue, {entry.seller_id: found}, now)
    replay = InMemoryQuotaCounters.starting_from(await counters.holdings(plan.requests), settings.grace)
    decisions = plan.settle(await replay.grant_many(plan.requests))
    [mine] = [d for d in decisions if d.entry.proposal_id == entry.proposal_id]
    used = (await counters.usage_many([(entry.seller_id, iso_week(now))]))[(entry.seller_id, iso_week(now))]
    return _answer(mine, found, used, _ahead(plan.requests, decisions, mine), asked.listing is not None)


def _answer(mine: Decision, found: Standing, used: int, ahead: int, real: bool) -> QuotaPreview:
    payload = handlers._event(mine).payload
    answer = QuotaPreview(
        outcome=mine.status,
        seller_id=mine.entry.seller_id,
        listing_id=mine.entry.listing_id if real else None,
        proposal_id=mine.entry.proposal_id if real else None,
        week=mine.week,
        limit=mine.limit.limit if mine.limit else None,
        used=used,
        ahead=ahead,
        limit_explained=found.limit.explain(),
        withdrawal=found.verdict.reason,
    )
    if mine.status == "granted":
        assert mine.grant is not None
        answer.unit = mine.grant.unit
        if real:
            answer.passes_on = ListingQuotaGranted.model_validate_json(_bytes(payload))
    elif mine.status == "throttled":
        throttled = ListingThrottled.model_validate_json(_bytes(payload))
        answer.capacity_returns_at = throttled.capacity_returns_at
        answer.issues, answer.code = throttled.issues, throttled.issues[0].code if throttled.issues else None
        answer.throttled = throttled if real else None
    else:
        assert isinstance(payload, ListingRejected) and mine.verdict is not None
        answer.withdrawn_until, answer.limit = mine.verdict.until, None
        answer.issues, answer.code = payload.issues, payload.code
        answer.rejection = payload if real else None
    return answer


def _ahead(requests: Sequence[GrantRequest], decisions: Sequence[Decision], mine: Decision) -> int:
    order = [r.listing_id for r in requests] or [str(d.entry.proposal_id) for d in decisions]
    return order.index(str(mine.entry.proposal_id))


def _bytes(payload: BaseModel | bytes) -> bytes:
    return payload if isinstance(payload, bytes) else payload.model_dump_json().encode()


def _stand_in(seller_id: str) -> ListingBrandCleared:
    """A listing of ``seller_id`` that names no real one, to settle the seller with when only it is asked about."""
    proposal = ListingProposed(
        seller_id=seller_id, sku=STAND_IN_SKU, title=STAND_IN_SKU, brand=STAND_IN_SKU, product_type=STAND_IN_SKU
    )
    return ListingBrandCleared(
        listing_id=listing_id(seller_id, STAND_IN_SKU),
        seller_id=seller_id,
        sku=STAND_IN_SKU,
        proposal_id=caused_event_id(listing_id(seller_id, STAND_IN_SKU), "preview"),
        proposal=proposal,
        clearance="unregistered",
    )


class Restriction(BaseModel):
    """One reason a seller's new listings would not be created at once."""

    code: IssueCode = Field(
        description="CREATION_RIGHTS_WITHDRAWN (new listings rejected) or CREATION_LIMIT_REACHED (8571: they wait)."
    )
    message: str = Field(description="Why, with the figures.")
    until: datetime = Field(description="When it ends at the latest (the next week, or re-evaluation).")


class QuotaRestrictions(BaseModel):
    """May this seller create listings (offers or new ASINs) now?"""

    seller_id: str = Field(description="The seller.")
    week: str = Field(description="The ISO week (UTC).")
    may_create: bool = Field(description="Whether a new listing would take a unit now.")
    withdrawn: bool = Field(description="Whether creation rights are withdrawn this week.")
    withdrawn_until: datetime | None = Field(default=None, description="Withdrawn: the next re-evaluation.")
    restored_by: str | None = Field(default=None, description="The operator who restored creation this week.")
    limit: int = Field(description="The weekly limit.")
    used: int = Field(description="Units of the week used so far.")
    resets_at: datetime = Field(description="When the next week's capacity opens (Monday 00:00 UTC).")
    reasons: list[Restriction] = Field(description="What stands in the way (empty: nothing).")


async def restrictions(
    store: QuotaStore, counters: QuotaCounters, settings: QuotaSettings, seller_id: str, now: datetime
) -> QuotaRestrictions:
    policy, rule = settings.capacity, settings.withdrawal
    facts = await store.seller_facts([seller_id], facts_window(policy, rule, now))
    found = standing(policy, rule, facts[seller_id], now)
    week = iso_week(now)
    used = (await counters.usage_many([(seller_id, week)]))[(seller_id, week)]
    verdict, limit = found.verdict, found.limit
    reasons = []
    if verdict.withdrawn:
        reasons.append(
            Restriction(code=IssueCode.CREATION_RIGHTS_WITHDRAWN, message=verdict.reason, until=verdict.until)
        )
    elif used >= limit.limit:
        message = f"the weekly creation limit of {limit.limit} listings is used up for {week} ({limit.explain()})"
        reasons.append(
            Restriction(code=IssueCode.CREATION_LIMIT_REACHED, message=message, until=capacity_returns_at(now))
        )
    return QuotaRestrictions(
        seller_id=seller_id,
        week=week,
        may_create=not reasons,
        withdrawn=verdict.withdrawn,
        withdrawn_until=verdict.until if verdict.withdrawn else None,
        restored_by=verdict.restored_by,
        limit=limit.limit,
        used=used,
        resets_at=next_week_start(now),
        reasons=reasons,
    )
