"""The catalog's storage port: what a batch loads and saves, every call for the whole batch at once.

``adapters.postgres.PostgresCatalogStore`` implements it on the pipeline's open transaction,
``adapters.memory.InMemoryCatalogStore`` in plain dicts (the handler's unit tests); one contract suite
(tests/integration/test_catalog_store_contract.py) runs against both.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from asinflow_catalog.domain.items import ChildLink, NewItem, Offer

__all__ = ["CatalogStore", "ChildLink", "NewItem", "Offer"]


class CatalogStore(Protocol):
    async def offers_by_proposal(self, proposal_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Offer]:
        """The offers already recorded for these listing versions."""
        ...

    async def asins_by_gtin(self, gtins: Collection[str]) -> dict[str, str]:
        """The item of each of these GTIN-14s that the catalog knows (its own GTINs and aliases)."""
        ...

    async def latest_asins(self, seller_skus: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """The ASIN of the latest offer of each (seller_id, sku)."""
        ...

    async def taken(self, asins: Collection[str]) -> set[str]:
        """Which of these ASINs are items already."""
        ...

    async def add_items(self, items: Sequence[NewItem]) -> None:
        """New items and their GTINs (a GTIN already known keeps its item). An ASIN is never added twice."""
        ...

    async def add_offers(self, offers: Sequence[Offer]) -> None:
        """New offers; one already recorded for its proposal is kept as it is."""
        ...

    async def add_aliases(self, aliases: Sequence[tuple[str, str]]) -> None:
        """(gtin14, asin): further GTINs of existing items; a GTIN already known keeps its item."""
        ...

    async def link_children(self, links: Sequence[ChildLink]) -> None:
        """Items minted for children naming (seller_id, sku) as their parent, with no parent yet, point at
        the link's ASIN."""
        ...

    async def close_offers(self, closed: Sequence[tuple[uuid.UUID, datetime]]) -> None:
        """(proposal_id, when): the listing was deleted, its offer leaves its ASIN (kept, marked closed; one closed
        already keeps its first time; an unknown proposal is ignored). ``offers_by_proposal`` still finds it."""
        ...

    async def open_offers(self, asins: Collection[str]) -> dict[str, list[Offer]]:
        """The offers on each of these items that are not closed, oldest first (items without any left out)."""
        ...

    async def parent_asins(self, asins: Collection[str]) -> dict[str, str | None]:
        """The variation parent of each of these items (None: no parent)."""
        ...
