"""The duplicate-matching service's store: the port its handler loads from and saves to, a batch at a time.

Implementations: ``adapters.postgres.PostgresMatchingStore`` (the service's schema, on the pipeline's open
transaction) and ``adapters.memory.InMemoryMatchingStore`` (the fake the handler's unit tests use). One contract
suite runs against both: ``tests/integration/test_matching_store_contract.py``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from asinflow_contracts.events import ListingValidated

from asinflow_duplicate_matching.domain.blocking import BlockingQuery
from asinflow_duplicate_matching.domain.candidates import IndexedItem
from asinflow_duplicate_matching.domain.cascade import Outcome


@dataclass(frozen=True)
class Gtin:
    """A GTIN-14 that identifies a catalog item: one of the item's own, or an ``alias`` learnt from a match."""

    gtin14: str
    asin: str
    alias: bool = False


@dataclass(frozen=True)
class Decision:
    """The matching decision of one proposal, as it is kept (explainability); ``evidence`` as JSON values."""

    proposal_id: uuid.UUID
    listing_id: uuid.UUID
    outcome: str
    asin: str | None = None
    match_kind: str | None = None
    score: float | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, listing: ListingValidated, outcome: Outcome) -> Decision:
        return cls(
            listing.proposal_id,
            listing.listing_id,
            outcome.outcome,
            outcome.asin,
            outcome.match_kind,
            outcome.score,
            json.loads(json.dumps(outcome.evidence, default=str)),
        )


class MatchingStore(Protocol):
    """The matcher's index of the catalog and its decisions. Every method takes and returns a whole batch."""

    async def add_items(self, items: Sequence[IndexedItem]) -> list[str]:
        """Index catalog items and their own GTINs; an ASIN already indexed is left as it is (and its GTINs).
        Returns the ASINs indexed now."""
        ...

    async def add_gtins(self, gtins: Sequence[Gtin]) -> list[str]:
        """Record GTINs; a GTIN already recorded keeps its item. Returns the GTIN-14s recorded now."""
        ...

    async def by_gtin(self, gtin14s: Collection[str]) -> dict[str, IndexedItem]:
        """The indexed item each known GTIN-14 identifies (its own or an alias); unknown ones are absent."""
        ...

    async def candidates(self, queries: Sequence[BlockingQuery]) -> list[list[IndexedItem]]:
        """For each query, in order, at most ``BLOCK_LIMIT`` distinct items: first those of the same brand key
        whose model or part number key is one of the query's, then those found by the title's rarest keys
        (``blocking.title_keys``; at most ``READ_BUDGET`` of them are read); each group most shared title words
        first, then by ASIN. Which items are read when more than ``READ_BUDGET`` have the keys is the
        implementation's."""
        ...

    async def save_decisions(self, decisions: Sequence[Decision]) -> list[uuid.UUID]:
        """Keep decisions; a proposal already decided keeps its first decision. Returns the proposals saved now."""
        ...

    async def decisions(self, proposal_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Decision]:
        """The kept decisions of these proposals (those never decided are absent)."""
        ...
