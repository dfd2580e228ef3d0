"""The catalog's storage port in plain dicts: the fake the handler's unit tests run on.

It behaves as ``PostgresCatalogStore`` does for everything the handler relies on (the same contract suite runs
against both): a GTIN or an offer already recorded is kept, an ASIN is never added twice, the latest offer of
a (seller, sku) is the one added last.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection, Sequence
from datetime import datetime

from asinflow_catalog.store import CatalogStore, ChildLink, NewItem, Offer


class InMemoryCatalogStore(CatalogStore):
    def __init__(self) -> None:
        self.items: dict[str, NewItem] = {}
        self.gtins: dict[str, str] = {}
        self.offers: dict[uuid.UUID, Offer] = {}  # by proposal id, in the order they were added
        self.closed: dict[uuid.UUID, datetime] = {}  # proposal id -> when its listing was deleted

    async def offers_by_proposal(self, proposal_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Offer]:
        return {p: self.offers[p] for p in proposal_ids if p in self.offers}

    async def asins_by_gtin(self, gtins: Collection[str]) -> dict[str, str]:
        return {g: self.gtins[g] for g in gtins if g in self.gtins}

    async def latest_asins(self, seller_skus: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
        wanted = set(seller_skus)
        latest: dict[tuple[str, str], str] = {}
        for offer in self.offers.values():
            if (offer.seller_id, offer.sku) in wanted:
                latest[(offer.seller_id, offer.sku)] = offer.asin
        return latest

    async def taken(self, asins: Collection[str]) -> set[str]:
        return {a for a in asins if a in self.items}

    async def add_items(self, items: Sequence[NewItem]) -> None:
        proposals = {i.created_by_proposal for i in self.items.values()}
        for item in items:
            if item.asin in self.items or item.created_by_proposal in proposals:
                raise ValueError(f"duplicate item {item.asin} (proposal {item.created_by_proposal})")
            self.items[item.asin] = item
            proposals.add(item.created_by_proposal)
        await self.add_aliases([(g, i.asin) for i in items for g in i.gtin14s])

    async def add_offers(self, offers: Sequence[Offer]) -> None:
        for offer in offers:
            self.offers.setdefault(offer.proposal_id, offer)

    async def add_aliases(self, aliases: Sequence[tuple[str, str]]) -> None:
        for gtin, asin in aliases:
            self.gtins.setdefault(gtin, asin)

    async def link_children(self, links: Sequence[ChildLink]) -> None:
        for link in links:
            for offer in self.offers.values():
                if offer.seller_id != link.seller_id or offer.parent_sku != link.sku or not offer.new_asin:
                    continue
                item = self.items[offer.asin]
                if item.parent_asin is None and item.asin != link.asin:
                    self.items[item.asin] = dataclasses.replace(item, parent_asin=link.asin)

    async def close_offers(self, closed: Sequence[tuple[uuid.UUID, datetime]]) -> None:
        for proposal_id, at in closed:
            if proposal_id in self.offers:
                self.closed.setdefault(proposal_id, at)

    async def open_offers(self, asins: Collection[str]) -> dict[str, list[Offer]]:
        found: dict[str, list[Offer]] = {}
        for proposal_id, offer in self.offers.items():
            if offer.asin in asins and proposal_id not in self.closed:
                found.setdefault(offer.asin, []).append(offer)
        return found

    async def parent_asins(self, asins: Collection[str]) -> dict[str, str | None]:
        return {a: self.items[a].parent_asin for a in asins if a in self.items}
