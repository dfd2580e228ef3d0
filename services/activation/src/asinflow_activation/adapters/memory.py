"""The activation service's storage port in plain dicts: the fake the handler's unit tests run on.

It behaves as ``PostgresActivationStore`` does for everything the handler relies on (the same contract suite
runs against both): loads return fresh objects, a violation or request already recorded is kept, an
ASIN-level violation closes when no listing has it open any more. Locks are no-ops.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from asinflow_contracts.events import Scope

from asinflow_activation.store import (
    ActivationStore,
    ListingStatus,
    NewRequest,
    RefusalRecord,
    Request,
    RequestDecision,
    Resolution,
    Violation,
)


@dataclass
class _Recorded:
    violation: Violation
    resolved_by: str | None = None
    resolved: bool = False


@dataclass
class _AsinViolation:
    asin: str
    violation: Violation
    resolved: bool = False


@dataclass
class _Request:
    request: Request
    evidence: list[str]
    decided_by: str | None = None
    note: str | None = None


class InMemoryActivationStore(ActivationStore):
    def __init__(self) -> None:
        self.listings: dict[uuid.UUID, ListingStatus] = {}  # without stock and violations
        self.quantities: dict[uuid.UUID, int] = {}
        self.violations: dict[tuple[str, uuid.UUID], _Recorded] = {}
        self.asin_violations: dict[str, _AsinViolation] = {}
        self.request_rows: dict[str, _Request] = {}
        self.refusal_rows: list[RefusalRecord] = []

    async def lock(self, listing_ids: Collection[uuid.UUID]) -> None:
        return None

    async def listings_of_asins(self, asins: Collection[str]) -> dict[str, list[uuid.UUID]]:
        out: dict[str, list[uuid.UUID]] = {}
        for status in self.listings.values():
            if status.asin in asins:
                out.setdefault(status.asin, []).append(status.listing_id)
        return out

    async def statuses(self, listing_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, ListingStatus]:
        out: dict[uuid.UUID, ListingStatus] = {}
        for lid in sorted(set(listing_ids)):
            if (stored := self.listings.get(lid)) is not None:
                open_ = {v: r.violation for (v, owner), r in self.violations.items() if owner == lid and not r.resolved}
                out[lid] = dataclasses.replace(stored, quantity=self.quantities.get(lid), violations=open_)
        return out

    async def stock(self, listing_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
        return {lid: self.quantities[lid] for lid in listing_ids if lid in self.quantities}

    async def open_asin_violations(self, asins: Collection[str]) -> dict[str, list[Violation]]:
        out: dict[str, list[Violation]] = {}
        for recorded in self.asin_violations.values():
            if recorded.asin in asins and not recorded.resolved:
                out.setdefault(recorded.asin, []).append(recorded.violation)
        return out

    async def requests(self, request_ids: Collection[str]) -> dict[str, Request]:
        return {r: self.request_rows[r].request for r in request_ids if r in self.request_rows}

    async def save_statuses(self, statuses: Collection[ListingStatus]) -> None:
        for status in statuses:
            kept = self.listings.get(status.listing_id)
            seller_id, sku = (kept.seller_id, kept.sku) if kept else (status.seller_id, status.sku)
            self.listings[status.listing_id] = dataclasses.replace(
                status, seller_id=seller_id, sku=sku, quantity=None, violations={}
            )

    async def save_stock(self, stock: Mapping[uuid.UUID, int]) -> None:
        self.quantities.update(stock)

    async def add_violations(self, violations: Sequence[tuple[uuid.UUID, Violation]]) -> None:
        for lid, violation in violations:
            self.violations.setdefault((violation.violation_id, lid), _Recorded(violation))

    async def add_asin_violations(self, violations: Sequence[tuple[str, Violation]]) -> None:
        for asin, violation in violations:
            recorded = dataclasses.replace(violation, scope=Scope.ASIN)  # what an ASIN-level violation is
            self.asin_violations.setdefault(violation.violation_id, _AsinViolation(asin, recorded))

    async def resolve(self, resolutions: Sequence[Resolution]) -> None:
        for r in resolutions:
            recorded = self.violations.get((r.violation_id, r.listing_id))
            if recorded is not None and not recorded.resolved:
                recorded.resolved, recorded.resolved_by = True, r.request_id
        for violation_id in {r.violation_id for r in resolutions}:
            open_anywhere = any(v == violation_id and not rec.resolved for (v, _), rec in self.violations.items())
            asin_level = self.asin_violations.get(violation_id)
            if asin_level is not None and not open_anywhere:
                asin_level.resolved = True

    async def add_requests(self, requests: Sequence[NewRequest]) -> None:
        for new in requests:
            self.request_rows.setdefault(new.request.request_id, _Request(new.request, list(new.evidence)))

    async def decide_requests(self, decisions: Sequence[RequestDecision]) -> None:
        for d in decisions:
            if (recorded := self.request_rows.get(d.request_id)) is not None:
                recorded.request = dataclasses.replace(recorded.request, status=d.status)
                recorded.decided_by, recorded.note = d.decided_by, d.note

    async def add_refusals(self, refusals: Sequence[RefusalRecord]) -> None:
        self.refusal_rows.extend(refusals)

    async def refusals(self, listing_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[RefusalRecord]]:
        out: dict[uuid.UUID, list[RefusalRecord]] = {}
        for refusal in self.refusal_rows:
            if refusal.listing_id in listing_ids:
                out.setdefault(refusal.listing_id, []).append(refusal)
        return out
