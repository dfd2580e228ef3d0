"""The matching store in memory: the fake the handler's unit tests use, with the same observable behaviour as
``PostgresMatchingStore`` (tests/integration/test_matching_store_contract.py runs one suite against both)."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from asinflow_duplicate_matching.domain.blocking import (
    BLOCK_LIMIT,
    COUNT_CAP,
    READ_BUDGET,
    BlockingQuery,
    item_keys,
    title_keys,
)
from asinflow_duplicate_matching.domain.candidates import IndexedItem, key, tokens
from asinflow_duplicate_matching.store import Decision, Gtin


@dataclass(frozen=True)
class _Row:
    item: IndexedItem
    brand_key: str
    model_key: str
    part_key: str
    tokens: frozenset[str]
    keys: frozenset[str]


class InMemoryMatchingStore:
    def __init__(self) -> None:
        self.items: dict[str, _Row] = {}  # by ASIN, in the order they were indexed
        self.key_counts: Counter[str] = Counter()
        self.gtins: dict[str, Gtin] = {}
        self.saved: dict[uuid.UUID, Decision] = {}

    async def add_items(self, items: Sequence[IndexedItem]) -> list[str]:
        added = []
        for i in items:
            if i.asin in self.items:
                continue
            words = tokens(i.title)
            keys = frozenset(item_keys(key(i.brand), words))
            self.items[i.asin] = _Row(i, key(i.brand), key(i.model_number), key(i.part_number), frozenset(words), keys)
            self.key_counts.update(keys)
            for k in keys:  # saturates like PostgreSQL's (blocking.COUNT_CAP)
                self.key_counts[k] = min(self.key_counts[k], COUNT_CAP)
            added.append(i.asin)
            self._add_gtins([Gtin(g, i.asin) for g in i.gtin14s])
        return added

    async def add_gtins(self, gtins: Sequence[Gtin]) -> list[str]:
        return self._add_gtins(gtins)

    def _add_gtins(self, gtins: Sequence[Gtin]) -> list[str]:
        added = []
        for g in gtins:
            if g.gtin14 not in self.gtins:
                self.gtins[g.gtin14] = g
                added.append(g.gtin14)
        return added

    async def by_gtin(self, gtin14s: Collection[str]) -> dict[str, IndexedItem]:
        found = {g: self.gtins[g].asin for g in gtin14s if g in self.gtins}
        return {g: self.items[asin].item for g, asin in found.items() if asin in self.items}

    async def candidates(self, queries: Sequence[BlockingQuery]) -> list[list[IndexedItem]]:
        return [self._candidates(q) for q in queries]

    def _candidates(self, q: BlockingQuery) -> list[IndexedItem]:
        def by_model(r: _Row) -> bool:
            return r.brand_key == q.brand_key and bool({r.model_key, r.part_key} & set(q.model_keys))

        words = set(q.words)

        def rank(r: _Row) -> tuple[int, str]:
            return -len(r.tokens & words), r.item.asin

        models = sorted((r for r in self.items.values() if by_model(r)), key=rank)
        chosen = title_keys(q, self.key_counts)
        wanted = set(chosen.keys)
        read: list[_Row] = []
        for r in self.items.values():
            if len(read) == READ_BUDGET:
                break
            found = wanted <= r.keys if chosen.all_required else bool(wanted & r.keys)
            if wanted and found and not by_model(r):
                read.append(r)
        return [r.item for r in [*models, *sorted(read, key=rank)][:BLOCK_LIMIT]]

    async def save_decisions(self, decisions: Sequence[Decision]) -> list[uuid.UUID]:
        saved = []
        for d in decisions:
            if d.proposal_id not in self.saved:
                self.saved[d.proposal_id] = d
                saved.append(d.proposal_id)
        return saved

    async def decisions(self, proposal_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Decision]:
        return {p: self.saved[p] for p in proposal_ids if p in self.saved}
