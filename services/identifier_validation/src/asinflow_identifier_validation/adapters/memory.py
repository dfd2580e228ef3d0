"""The identifier-validation service's storage port in plain dicts: the fake the handler's unit tests run on.

It behaves as ``PostgresValidationStore`` does for everything the handler relies on (the same contract suite
runs against both): the exemption made last wins, a decision or a parked child is kept as it is, the latest
decision of a listing is the one recorded last. Holding waiting children for the batch is a no-op.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime, timedelta

from asinflow_contracts import topics

from asinflow_identifier_validation.store import (
    DecisionRecord,
    ExemptionRecord,
    FamilyRecord,
    Key,
    ValidationStore,
    WaitingChild,
)


class InMemoryValidationStore(ValidationStore):
    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self.clock = clock or (lambda: datetime.now(UTC))
        self.exemption_records: dict[str, ExemptionRecord] = {}
        self.decisions: dict[uuid.UUID, DecisionRecord] = {}  # by proposal id, in the order recorded
        self.members: dict[Key, FamilyRecord] = {}
        self.waiting: dict[uuid.UUID, tuple[WaitingChild, datetime]] = {}  # by event id: (child, since)

    async def exemptions(self, exemption_ids: Collection[str]) -> dict[str, ExemptionRecord]:
        return {e: self.exemption_records[e] for e in exemption_ids if e in self.exemption_records}

    async def save_exemptions(self, records: Sequence[ExemptionRecord]) -> None:
        for record in records:
            current = self.exemption_records.get(record.exemption.exemption_id)
            if current is None or current.changed_at < record.changed_at:
                self.exemption_records[record.exemption.exemption_id] = record

    async def family(self, members: Collection[Key], children_of: Collection[Key]) -> list[FamilyRecord]:
        wanted, parents = set(members), set(children_of)
        return [
            r
            for key, r in self.members.items()
            if key in wanted or (r.parent_sku is not None and (r.seller_id, r.parent_sku) in parents)
        ]

    async def latest_rejected(self, listing_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        latest: dict[uuid.UUID, str] = {}
        for d in self.decisions.values():
            if d.listing_id in listing_ids:
                latest[d.listing_id] = d.outcome
        return {lid for lid, outcome in latest.items() if outcome == topics.LISTING_REJECTED}

    async def waiting_children(self, parents: Collection[Key]) -> list[WaitingChild]:
        wanted = set(parents)
        found: dict[uuid.UUID, tuple[WaitingChild, datetime]] = {}
        while more := [
            (child, since)
            for child, since in self.waiting.values()
            if child.event_id not in found and (child.seller_id, child.parent_sku) in wanted
        ]:
            for child, since in more:
                found[child.event_id] = (child, since)
                wanted.add((child.seller_id, child.sku))  # its own children may be released in turn
        return [child for child, _ in sorted(found.values(), key=lambda entry: entry[1])]

    async def save_decisions(self, decisions: Sequence[DecisionRecord]) -> None:
        for d in decisions:
            self.decisions.setdefault(d.proposal_id, d)

    async def save_family(self, records: Sequence[FamilyRecord]) -> None:
        for r in records:
            self.members[(r.seller_id, r.sku)] = r

    async def park_children(self, children: Sequence[WaitingChild]) -> None:
        now = self.clock()
        for child in children:
            self.waiting.setdefault(child.event_id, (child, now))

    async def release_children(self, event_ids: Collection[uuid.UUID]) -> None:
        for event_id in event_ids:
            self.waiting.pop(event_id, None)

    async def take_expired_children(self, older_than_s: float) -> list[WaitingChild]:
        limit = self.clock() - timedelta(seconds=older_than_s)
        expired = sorted(
            ((child, since) for child, since in self.waiting.values() if since < limit), key=lambda entry: entry[1]
        )
        for child, _ in expired:
            del self.waiting[child.event_id]
        return [child for child, _ in expired]
