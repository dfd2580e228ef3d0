"""Use case of the duplicate-matching service: index new catalog items; match validated proposals."""

from __future__ import annotations

import asyncpg
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import (
    CatalogItemCreated,
    ListingMatched,
    ListingRejected,
    ListingUnmatched,
    ListingValidated,
)
from asinflow_contracts.issues import Severity
from asinflow_runtime.intake import Received
from asinflow_runtime.messages import Incoming, Outgoing
from asinflow_runtime.records import parse_typed
from pydantic import BaseModel

from asinflow_duplicate_matching.adapters.postgres import PostgresMatchingStore
from asinflow_duplicate_matching.domain.cascade import Outcome, Scorer, decide_all, indexed_item, lookups
from asinflow_duplicate_matching.store import Decision, Gtin, MatchingStore

SERVICE = "duplicate-matching"
SOURCE = f"/asinflow/{SERVICE}"
MODELS: dict[str, type[BaseModel]] = {
    topics.LISTING_VALIDATED: ListingValidated,
    topics.CATALOG_ITEM_CREATED: CatalogItemCreated,
}


class MatchingHandler:
    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer

    def parse(self, received: Received) -> Incoming:
        return parse_typed(received, MODELS)

    async def apply(self, conn: asyncpg.Connection, items: list[Incoming]) -> list[Outgoing]:
        return await self.handle(PostgresMatchingStore(conn), items)

    async def handle(self, store: MatchingStore, items: list[Incoming]) -> list[Outgoing]:
        # new catalog items are indexed first: a listing of the same batch finds them
        await store.add_items([indexed_item(i.body) for i in items if isinstance(i.body, CatalogItemCreated)])
        received = [i for i in items if isinstance(i.body, ListingValidated)]
        listings: list[ListingValidated] = [i.body for i in received]
        # load: the items the batch's GTINs identify, then candidates for every listing no GTIN identified
        hits = await store.by_gtin(sorted({listing.gtin14 for listing in listings if listing.gtin14}))
        searches = lookups(listings, hits)
        candidates = dict(zip(searches, await store.candidates(list(searches.values())), strict=True))
        # decide
        outcomes = decide_all(listings, hits, candidates, self.scorer)
        # save
        await store.add_gtins([Gtin(o.alias_gtin14, o.asin, alias=True) for o in outcomes if o.alias_gtin14 and o.asin])
        await store.save_decisions([Decision.of(listing, o) for listing, o in zip(listings, outcomes, strict=True)])
        # emit
        return [self._event(item, item.body, o) for item, o in zip(received, outcomes, strict=True)]

    def _event(self, item: Incoming, listing: ListingValidated, outcome: Outcome) -> Outgoing:
        base = listing.model_dump()
        warnings = [*listing.warnings, *(i for i in outcome.issues if i.severity != Severity.ERROR)]
        payload: BaseModel
        if outcome.outcome == "MATCHED":
            assert outcome.asin and outcome.match_kind and outcome.score is not None
            event_type = topics.LISTING_MATCHED
            payload = ListingMatched(
                **{**base, "warnings": warnings},
                asin=outcome.asin,
                match_kind=outcome.match_kind,
                score=outcome.score,
                threshold=outcome.threshold,
                evidence=outcome.evidence,
                alias_gtin14=outcome.alias_gtin14,
            )
        elif outcome.outcome == "UNMATCHED":
            event_type = topics.LISTING_UNMATCHED
            payload = ListingUnmatched(
                **{**base, "warnings": warnings},
                best_asin=outcome.asin,
                best_score=outcome.score,
                threshold=outcome.threshold,
                evidence=outcome.evidence,
            )
        else:
            event_type = topics.LISTING_REJECTED
            payload = ListingRejected.of(listing, outcome.issues)
        envelope = Envelope.caused_by(
            item.event_id, item.envelope.type, event_type, source=SOURCE, subject=str(listing.listing_id)
        )
        return Outgoing(event_type, str(listing.listing_id), envelope, payload)
