"""Settling the listings that wait for their sellers' capacity. Pure.

Every listing about to be created waits in a queue (``Queued``) until it is settled: a seller whose
creation is withdrawn has its listings rejected; otherwise its listings ask, in release order (highest
priority, then oldest), for one unit of the week under the seller's limit. The counters answer each
request atomically (their answer is the truth: a concurrent grant may have taken the unit), and
``ReleasePlan.settle`` turns the answers into decisions: granted, throttled (a listing that waited for
the first time gets a ``listing.throttled`` event), still throttled (no event), or rejected.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from asinflow_contracts import topics
from asinflow_contracts.ids import caused_event_id

from asinflow_creation_quota.domain.capacity import Limit
from asinflow_creation_quota.domain.grants import GrantRequest, GrantResult
from asinflow_creation_quota.domain.release import Waiting, release_order
from asinflow_creation_quota.domain.standing import Standing
from asinflow_creation_quota.domain.withdrawal import Verdict

QueueStatus = Literal["waiting", "throttled", "granted", "rejected", "superseded"]


@dataclass(frozen=True)
class Queued:
    """A listing waiting for capacity: new (``waiting``) or throttled in an earlier batch (``throttled``)."""

    proposal_id: uuid.UUID
    listing_id: uuid.UUID
    seller_id: str
    priority: int
    since: datetime
    cause_id: uuid.UUID  # the listing.brand-cleared event
    body: str  # that event's payload (JSON)
    status: QueueStatus
    throttled_id: uuid.UUID | None  # the listing.throttled event, once throttled

    @property
    def cause(self) -> tuple[uuid.UUID, str]:
        """What the next event about this listing is caused by: its listing.throttled event once throttled (so
        the ledger applies a release after the throttle), else the listing.brand-cleared event."""
        if self.throttled_id is not None:
            return self.throttled_id, topics.LISTING_THROTTLED
        return self.cause_id, topics.LISTING_BRAND_CLEARED


@dataclass(frozen=True)
class Decision:
    """What becomes of one queued listing: the status it leaves the queue in, and why."""

    entry: Queued
    status: Literal["granted", "throttled", "rejected"]
    week: str
    at: datetime
    limit: Limit | None = None  # granted or throttled: the seller's limit
    grant: GrantResult | None = None  # granted or throttled: what the counters answered
    verdict: Verdict | None = None  # rejected: the withdrawal verdict
    throttled_id: uuid.UUID | None = None  # throttled now for the first time: its listing.throttled event

    @property
    def announced(self) -> bool:
        """Whether the decision is an event: a listing still throttled is not announced again."""
        return self.status != "throttled" or self.throttled_id is not None


@dataclass(frozen=True)
class ReleasePlan:
    """The decisions known before asking the counters (rejections) and the units to ask for, in order."""

    at: datetime
    rejected: list[Decision]
    asks: list[tuple[Queued, Limit]]

    @property
    def requests(self) -> list[GrantRequest]:
        return [GrantRequest(e.seller_id, str(e.proposal_id), limit.limit, self.at) for e, limit in self.asks]

    def settle(self, answers: Sequence[GrantResult]) -> list[Decision]:
        """The decisions, given the counters' answers to ``requests`` (in the same order)."""
        decisions = list(self.rejected)
        for (entry, limit), answer in zip(self.asks, answers, strict=True):
            if answer.granted:
                status: Literal["granted", "throttled"] = "granted"
                throttled_id = None
            else:
                status = "throttled"
                first = entry.status == "waiting"
                throttled_id = caused_event_id(entry.cause_id, topics.LISTING_THROTTLED) if first else None
            decisions.append(Decision(entry, status, answer.week, self.at, limit, answer, None, throttled_id))
        return decisions


def plan_release(queue: Iterable[Queued], standings: Mapping[str, Standing], at: datetime) -> ReleasePlan:
    """Sellers in order of their ids; a withdrawn seller's listings are rejected, the others' ask for a unit in
    release order. ``standings`` holds every seller of ``queue``."""
    by_seller: dict[str, list[Queued]] = {}
    for entry in queue:
        by_seller.setdefault(entry.seller_id, []).append(entry)
    rejected: list[Decision] = []
    asks: list[tuple[Queued, Limit]] = []
    for seller, entries in sorted(by_seller.items()):
        standing = standings[seller]
        by_id = {str(e.proposal_id): e for e in entries}
        waiting = (Waiting(str(e.proposal_id), e.priority, e.since) for e in entries)
        ordered = [by_id[w.listing_id] for w in release_order(waiting)]
        if standing.verdict.withdrawn:
            verdict = standing.verdict
            rejected += [Decision(e, "rejected", verdict.week, at, verdict=verdict) for e in ordered]
        else:
            asks += [(e, standing.limit) for e in ordered]
    return ReleasePlan(at, rejected, asks)
