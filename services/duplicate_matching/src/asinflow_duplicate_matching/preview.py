"""The matching decision for one validated proposal without its effects: what the pipeline would decide now.

What the handler loads for a batch is loaded through the store port for this one listing (the item its GTIN
identifies, else the candidates blocking finds), the cascade's pure decision (``domain.cascade.decide_all``)
decides with the service's own scorer, and the handler's own event builder gives the payload it would emit.
Nothing is saved (no decision, no GTIN alias) and nothing is emitted.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Literal

from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import ListingMatched, ListingRejected, ListingUnmatched, ListingValidated
from asinflow_contracts.issues import Issue, IssueCode
from asinflow_runtime.messages import Incoming
from pydantic import BaseModel, Field

from asinflow_duplicate_matching.domain.cascade import decide_all, lookups
from asinflow_duplicate_matching.handlers import SOURCE, MatchingHandler
from asinflow_duplicate_matching.store import MatchingStore


class MatchingPreview(BaseModel):
    """What duplicate matching would decide for this validated proposal now. Nothing is recorded or emitted."""

    outcome: Literal["matched", "unmatched", "rejected"] = Field(
        description="`matched`: an offer on an existing ASIN; `unmatched`: a new product (a new ASIN, after brand "
        "gating and the quota); `rejected`: a conflict (CATALOG_DATA_CONFLICT, 8541) or several items equally "
        "good (MULTIPLE_MATCHES, 8542)."
    )
    listing_id: uuid.UUID = Field(description="The listing.")
    seller_id: str = Field(description="The seller.")
    sku: str = Field(description="The SKU.")
    proposal_id: uuid.UUID = Field(description="The proposal (listing version).")
    asin: str | None = Field(
        default=None,
        description="Matched: the ASIN. Unmatched: the closest candidate, below the threshold. Rejected: the "
        "item in conflict, if one.",
    )
    match_kind: Literal["GTIN", "MODEL", "TITLE"] | None = Field(default=None, description="How it matched.")
    score: float | None = Field(default=None, description="The matcher's score of the pair (1.0 for a GTIN match).")
    threshold: float = Field(description="The score a title/attribute match needs.")
    evidence: dict[str, Any] = Field(
        default_factory=dict, description="Which fields agreed and disagreed, with their contributions."
    )
    alias_gtin14: str | None = Field(default=None, description="A GTIN that a match would record as an alias.")
    code: IssueCode | None = Field(default=None, description="The blocking issue's code, when rejected.")
    issues: list[Issue] = Field(
        default_factory=list,
        description="Rejected: the issues `listing.rejected` would carry. Otherwise the warnings passed on "
        "(validation's and matching's).",
    )
    passes_on: ListingMatched | ListingUnmatched | None = Field(
        default=None,
        description="The `listing.matched` / `listing.unmatched` payload it would emit: the body of brand "
        "gating's POST /preview.",
    )
    rejection: ListingRejected | None = Field(default=None, description="The `listing.rejected` payload, if any.")


async def preview(store: MatchingStore, handler: MatchingHandler, listing: ListingValidated) -> MatchingPreview:
    # load, as the handler does for a batch of one
    hits = await store.by_gtin([listing.gtin14] if listing.gtin14 else [])
    searches = lookups([listing], hits)
    candidates = dict(zip(searches, await store.candidates(list(searches.values())), strict=True))
    # decide
    [outcome] = decide_all([listing], hits, candidates, handler.scorer)
    cause = Envelope.caused_by(
        listing.proposal_id, topics.LISTING_PROPOSED, topics.LISTING_VALIDATED, source=SOURCE, subject=""
    )
    event = handler._event(Incoming(None, cause, listing), listing, outcome)
    found = MatchingPreview(
        outcome="rejected",
        listing_id=listing.listing_id,
        seller_id=listing.seller_id,
        sku=listing.sku,
        proposal_id=listing.proposal_id,
        asin=outcome.asin,
        match_kind=outcome.match_kind,
        score=outcome.score,
        threshold=outcome.threshold,
        evidence=json.loads(json.dumps(outcome.evidence, default=str)),  # as the decision is kept
        alias_gtin14=outcome.alias_gtin14,
    )
    payload = event.payload
    if isinstance(payload, ListingRejected):
        found.code, found.issues, found.rejection = payload.code, payload.issues, payload
    elif isinstance(payload, ListingMatched | ListingUnmatched):
        found.outcome = "matched" if isinstance(payload, ListingMatched) else "unmatched"
        found.issues, found.passes_on = payload.warnings, payload
    return found
