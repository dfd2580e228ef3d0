"""Use case of the activation service: apply created/stock/policy/reactivation/deletion events to listings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import asyncpg
from asinflow_contracts import topics
from asinflow_contracts.events import (
    InventoryUpdated,
    ListingCreated,
    ListingDeletionRequested,
    PolicyViolationReported,
    ReactivationDecided,
    ReactivationRequested,
)
from asinflow_runtime.intake import Received
from asinflow_runtime.messages import Incoming, Outgoing
from asinflow_runtime.records import parse_typed
from pydantic import BaseModel

from asinflow_activation.adapters.postgres import PostgresActivationStore
from asinflow_activation.domain.batch import (
    Event,
    Known,
    asins_created_on,
    asins_reported,
    decide,
    listings_concerned,
    requests_decided,
)
from asinflow_activation.store import ActivationStore

SERVICE = "activation"

MODELS: dict[str, type[BaseModel]] = {
    topics.LISTING_CREATED: ListingCreated,
    topics.INVENTORY_UPDATED: InventoryUpdated,
    topics.POLICY_VIOLATION_REPORTED: PolicyViolationReported,
    topics.REACTIVATION_REQUESTED: ReactivationRequested,
    topics.REACTIVATION_DECIDED: ReactivationDecided,
    topics.LISTING_DELETION_REQUESTED: ListingDeletionRequested,
}
CONSUMES = tuple(MODELS)


class ActivationHandler:
    def __init__(self, today: Callable[[], date] | None = None) -> None:
        self.today = today or (lambda: datetime.now(UTC).date())

    def parse(self, received: Received) -> Incoming:
        return parse_typed(received, MODELS)

    async def apply(self, conn: asyncpg.Connection, items: list[Incoming]) -> list[Outgoing]:
        return await self.handle(PostgresActivationStore(conn), items)

    async def handle(self, store: ActivationStore, items: list[Incoming]) -> list[Outgoing]:
        bodies: list[BaseModel] = [i.body for i in items]
        # load: the listings the batch concerns (locked first), their stock, violations and requests
        members = await store.listings_of_asins(asins_reported(bodies))
        ids = listings_concerned(bodies, members)
        await store.lock(ids)
        known = Known(
            statuses=await store.statuses(ids),
            stock=await store.stock(ids),
            asin_violations=await store.open_asin_violations(asins_created_on(bodies)),
            requests=await store.requests(requests_decided(bodies)),
        )
        # decide
        events = [Event(i.event_id, i.envelope.type, i.body, i.envelope.time) for i in items]
        decided = decide(events, known, self.today())
        # save
        changes = decided.changes
        await store.save_statuses(list(changes.statuses.values()))
        await store.save_stock(changes.stock)
        await store.add_violations(changes.violations)
        await store.add_asin_violations(changes.asin_violations)
        await store.resolve(changes.resolved)
        await store.add_requests(changes.requests)
        await store.decide_requests(changes.decisions)
        await store.add_refusals(changes.refusals)
        # emit
        return [Outgoing(e.envelope.type, str(e.listing_id), e.envelope, e.payload) for e in decided.emitted]
