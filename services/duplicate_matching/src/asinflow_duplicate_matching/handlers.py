"""Use case of the duplicate-matching service: index new catalog items; match validated proposals."""

from __future__ import annotations

from typing import Any

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

from asinflow_duplicate_matching.adapters import index
from asinflow_duplicate_matching.domain.candidates import key
from asinflow_duplicate_matching.domain.cascade import Outcome, Scorer, decide

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
        await index.add_items(conn, [i.body for i in items if isinstance(i.body, CatalogItemCreated)])
        listings = [i for i in items if isinstance(i.body, ListingValidated)]
        hits = await index.by_gtin(conn, [i.body.gtin14 for i in listings if i.body.gtin14])
        outgoing: list[Outgoing] = []
        decisions: list[tuple[Any, ...]] = []
        aliases: list[tuple[str, str, bool]] = []
        for item in listings:
            listing: ListingValidated = item.body
            hit = hits.get(listing.gtin14) if listing.gtin14 else None
            candidates = []
            if hit is None:
                p = listing.proposal
                candidates = await index.block(conn, p.brand, [key(p.model_number), key(p.part_number)], p.title)
            outcome = decide(listing, hit, candidates, self.scorer)
            if outcome.alias_gtin14 and outcome.asin:
                aliases.append((outcome.alias_gtin14, outcome.asin, True))
            outgoing.append(self._event(item, listing, outcome))
            decisions.append(
                (
                    listing.proposal_id,
                    listing.listing_id,
                    outcome.outcome,
                    outcome.asin,
                    outcome.match_kind,
                    outcome.score,
                    outcome.evidence,
                )
            )
        await index.add_gtins(conn, aliases)
        await index.save_decisions(conn, decisions)
        return outgoing

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
