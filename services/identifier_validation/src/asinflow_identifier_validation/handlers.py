"""Use case of the identifier-validation service: read proposals, decide, record, emit."""

from __future__ import annotations

import os

import asyncpg
from asinflow_contracts import topics
from asinflow_contracts.bounds import might_break_bounds
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import ExemptionGranted, ExemptionRevoked
from asinflow_contracts.ids import listing_id
from asinflow_contracts.proposal_reading import ProposalRead, read_proposal_data
from asinflow_runtime.intake import Received
from asinflow_runtime.messages import Incoming, Outgoing, Unreadable
from asinflow_runtime.records import parse_typed

from asinflow_identifier_validation.adapters.postgres import PostgresValidationStore
from asinflow_identifier_validation.domain.batch import (
    Decisions,
    Proposal,
    cited,
    decide,
    expire,
    parents_of,
    released,
)
from asinflow_identifier_validation.domain.exemptions import Exemption, ExemptionRecord, active, apply_changes
from asinflow_identifier_validation.domain.family import Family
from asinflow_identifier_validation.store import ValidationStore

SERVICE = "identifier-validation"
SOURCE = f"/asinflow/{SERVICE}"
#: How long a child may wait for its parent before it is rejected VARIATION_INVALID.
PARENT_WAIT_S = float(os.environ.get("ASINFLOW_VARIATION_PARENT_WAIT_S", "600"))
#: The brand registry's exemption events, kept here as this service's own copy (see domain/exemptions.py).
EXEMPTION_MODELS: dict[str, type[ExemptionGranted | ExemptionRevoked]] = {
    topics.EXEMPTION_GRANTED: ExemptionGranted,
    topics.EXEMPTION_REVOKED: ExemptionRevoked,
}


class ValidationHandler:
    def parse(self, received: Received) -> Incoming:
        if received.topic in EXEMPTION_MODELS:
            return parse_typed(received, EXEMPTION_MODELS)
        checked = not might_break_bounds(received.raw)
        read = read_proposal_data(received.data, received.size, bounds_checked=checked)
        if read.unreadable is not None:
            raise Unreadable("unparseable_proposal", read.unreadable)
        return Incoming(received.record, received.envelope, read)

    async def apply(self, conn: asyncpg.Connection, items: list[Incoming]) -> list[Outgoing]:
        return await self.handle(PostgresValidationStore(conn), items)

    async def handle(self, store: ValidationStore, items: list[Incoming]) -> list[Outgoing]:
        proposals = [
            Proposal(i.event_id, i.envelope.type, i.body, i.record.value)
            for i in items
            if isinstance(i.body, ProposalRead)
        ]
        changes = _exemption_changes(items)
        # load: the children waiting for the batch's listings, then what all of them need
        waiting = [released(child) for child in await store.waiting_children([p.key for p in proposals])]
        everyone = [*proposals, *waiting]
        parents = parents_of(everyone)
        stored = await store.exemptions(cited(everyone) | {c.exemption.exemption_id for c in changes})
        family_records = await store.family(parents, [*parents, *(p.key for p in everyone)])
        rejected = await store.latest_rejected([listing_id(*key) for key in parents])
        # decide
        copy, changed = apply_changes(stored, changes)
        family = Family.of(family_records, [key for key in parents if listing_id(*key) in rejected])
        decided = decide(proposals, waiting, active(copy), family)
        # save
        await store.save_exemptions(changed)
        await _save(store, decided)
        # emit
        return _outgoing(decided)

    async def tick(self, conn: asyncpg.Connection) -> list[Outgoing]:
        """Reject children that waited too long for a parent that never came."""
        return await self.expire(PostgresValidationStore(conn))

    async def expire(self, store: ValidationStore) -> list[Outgoing]:
        # load
        expired = await store.take_expired_children(PARENT_WAIT_S)
        if not expired:
            return []
        # decide
        decided = expire(expired, f"was not validated within {PARENT_WAIT_S / 60:g} minutes")
        # save
        await _save(store, decided)
        # emit
        return _outgoing(decided)


def _exemption_changes(items: list[Incoming]) -> list[ExemptionRecord]:
    """The registry's grants and revocations in the batch, made at their events' time."""
    changes = []
    for item in items:
        if isinstance(item.body, ExemptionGranted):
            g = item.body
            changes.append(
                ExemptionRecord(Exemption(g.exemption_id, g.brand, g.sku, g.seller_id), True, item.envelope.time)
            )
        elif isinstance(item.body, ExemptionRevoked):
            r = item.body
            changes.append(ExemptionRecord(Exemption(r.exemption_id, r.brand), False, item.envelope.time))
    return changes


async def _save(store: ValidationStore, decided: Decisions) -> None:
    await store.save_decisions(decided.decisions)
    await store.save_family(decided.family)
    await store.release_children(decided.released)
    await store.park_children(decided.parked)


def _outgoing(decided: Decisions) -> list[Outgoing]:
    return [
        Outgoing(
            e.topic,
            e.key,
            Envelope.caused_by(e.cause.event_id, e.cause.event_type, e.topic, source=SOURCE, subject=e.key),
            e.payload,
        )
        for e in decided.emitted
    ]
