"""The catalog's own tables: items, their GTINs, and the offers (listing versions) on them.

``PostgresCatalogStore`` is the storage port (``asinflow_catalog.store``) on the pipeline's open transaction:
one statement per kind of data per batch. ``item_view`` is the read side (``asinflow catalog show``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import asyncpg

from asinflow_catalog.store import CatalogStore, ChildLink, NewItem, Offer

SCHEMA = "catalog"


class PostgresCatalogStore(CatalogStore):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def offers_by_proposal(self, proposal_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Offer]:
        if not proposal_ids:
            return {}
        rows = await self.conn.fetch(
            f"""SELECT proposal_id, listing_id, seller_id, sku, asin, new_asin, parent_sku FROM {SCHEMA}.offers
                WHERE proposal_id = ANY($1::uuid[])""",
            list(proposal_ids),
        )
        return {r["proposal_id"]: Offer(**dict(r)) for r in rows}

    async def asins_by_gtin(self, gtins: Collection[str]) -> dict[str, str]:
        if not gtins:
            return {}
        rows = await self.conn.fetch(
            f"SELECT gtin14, asin FROM {SCHEMA}.gtins WHERE gtin14 = ANY($1::text[])", list(gtins)
        )
        return {r["gtin14"]: r["asin"] for r in rows}

    async def latest_asins(self, seller_skus: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
        if not seller_skus:
            return {}
        rows = await self.conn.fetch(
            f"""SELECT DISTINCT ON (o.seller_id, o.sku) o.seller_id, o.sku, o.asin
                FROM {SCHEMA}.offers o JOIN unnest($1::text[], $2::text[]) AS w(seller_id, sku)
                  ON o.seller_id = w.seller_id AND o.sku = w.sku
                ORDER BY o.seller_id, o.sku, o.created_at DESC""",
            [s for s, _ in seller_skus],
            [k for _, k in seller_skus],
        )
        return {(r["seller_id"], r["sku"]): r["asin"] for r in rows}

    async def taken(self, asins: Collection[str]) -> set[str]:
        if not asins:
            return set()
        rows = await self.conn.fetch(f"SELECT asin FROM {SCHEMA}.items WHERE asin = ANY($1::text[])", list(asins))
        return {r["asin"] for r in rows}

    async def add_items(self, items: Sequence[NewItem]) -> None:
        if not items:
            return
        await self.conn.execute(
            f"""INSERT INTO {SCHEMA}.items (asin, brand, manufacturer, title, product_type, model_number, part_number,
                   parent_asin, variation_theme, variation_attributes, created_by_listing, created_by_proposal)
                SELECT asin, brand, manufacturer, title, product_type, model_number, part_number, parent_asin,
                       variation_theme, attributes::jsonb, created_by_listing, created_by_proposal
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                            $8::text[], $9::text[], $10::text[], $11::uuid[], $12::uuid[])
                  AS i(asin, brand, manufacturer, title, product_type, model_number, part_number, parent_asin,
                       variation_theme, attributes, created_by_listing, created_by_proposal)""",
            [i.asin for i in items],
            [i.brand for i in items],
            [i.manufacturer for i in items],
            [i.title for i in items],
            [i.product_type for i in items],
            [i.model_number for i in items],
            [i.part_number for i in items],
            [i.parent_asin for i in items],
            [i.variation_theme for i in items],
            [json.dumps(i.variation_attributes) for i in items],
            [i.created_by_listing for i in items],
            [i.created_by_proposal for i in items],
        )
        await self.add_aliases([(g, i.asin) for i in items for g in i.gtin14s])

    async def add_offers(self, offers: Sequence[Offer]) -> None:
        if not offers:
            return
        await self.conn.execute(
            f"""INSERT INTO {SCHEMA}.offers (proposal_id, listing_id, seller_id, sku, asin, new_asin, parent_sku)
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::boolean[],
                                     $7::text[])
                ON CONFLICT (proposal_id) DO NOTHING""",
            [o.proposal_id for o in offers],
            [o.listing_id for o in offers],
            [o.seller_id for o in offers],
            [o.sku for o in offers],
            [o.asin for o in offers],
            [o.new_asin for o in offers],
            [o.parent_sku for o in offers],
        )

    async def add_aliases(self, aliases: Sequence[tuple[str, str]]) -> None:
        if not aliases:
            return
        await self.conn.execute(
            f"""INSERT INTO {SCHEMA}.gtins (gtin14, asin) SELECT * FROM unnest($1::text[], $2::text[])
                ON CONFLICT (gtin14) DO NOTHING""",
            [g for g, _ in aliases],
            [a for _, a in aliases],
        )

    async def link_children(self, links: Sequence[ChildLink]) -> None:
        if not links:
            return
        await self.conn.execute(
            f"""UPDATE {SCHEMA}.items i SET parent_asin = p.asin
                FROM {SCHEMA}.offers o JOIN unnest($1::text[], $2::text[], $3::text[]) AS p(seller_id, sku, asin)
                  ON o.seller_id = p.seller_id AND o.parent_sku = p.sku
                WHERE i.asin = o.asin AND o.new_asin AND i.parent_asin IS NULL AND i.asin <> p.asin""",
            [link.seller_id for link in links],
            [link.sku for link in links],
            [link.asin for link in links],
        )

    async def close_offers(self, closed: Sequence[tuple[uuid.UUID, datetime]]) -> None:
        if not closed:
            return
        await self.conn.execute(
            f"""UPDATE {SCHEMA}.offers o SET closed_at = c.at
                  FROM unnest($1::uuid[], $2::timestamptz[]) AS c(proposal_id, at)
                 WHERE o.proposal_id = c.proposal_id AND o.closed_at IS NULL""",
            [p for p, _ in closed],
            [at for _, at in closed],
        )

    async def open_offers(self, asins: Collection[str]) -> dict[str, list[Offer]]:
        if not asins:
            return {}
        rows = await self.conn.fetch(
            f"""SELECT proposal_id, listing_id, seller_id, sku, asin, new_asin, parent_sku FROM {SCHEMA}.offers
                WHERE asin = ANY($1::text[]) AND closed_at IS NULL ORDER BY created_at, proposal_id""",
            list(asins),
        )
        found: dict[str, list[Offer]] = {}
        for r in rows:
            found.setdefault(r["asin"], []).append(Offer(**dict(r)))
        return found

    async def parent_asins(self, asins: Collection[str]) -> dict[str, str | None]:
        if not asins:
            return {}
        rows = await self.conn.fetch(
            f"SELECT asin, parent_asin FROM {SCHEMA}.items WHERE asin = ANY($1::text[])", list(asins)
        )
        return {r["asin"]: r["parent_asin"] for r in rows}


async def item_view(conn: asyncpg.Connection | asyncpg.Pool, asin: str) -> dict[str, Any] | None:
    item = await conn.fetchrow(f"SELECT * FROM {SCHEMA}.items WHERE asin = $1", asin)
    if item is None:
        return None
    gtins = await conn.fetch(f"SELECT gtin14 FROM {SCHEMA}.gtins WHERE asin = $1 ORDER BY gtin14", asin)
    offers = await conn.fetch(  # the open ones: a deleted listing's offer has left the item
        f"""SELECT seller_id, sku, new_asin, created_at FROM {SCHEMA}.offers WHERE asin = $1 AND closed_at IS NULL
            ORDER BY created_at""",
        asin,
    )
    children = await conn.fetch(f"SELECT asin FROM {SCHEMA}.items WHERE parent_asin = $1 ORDER BY asin", asin)
    attributes = item["variation_attributes"]
    return {
        "asin": item["asin"],
        "brand": item["brand"],
        "manufacturer": item["manufacturer"],
        "title": item["title"],
        "product_type": item["product_type"],
        "model_number": item["model_number"],
        "part_number": item["part_number"],
        "gtin14s": [g["gtin14"] for g in gtins],
        "parent_asin": item["parent_asin"],
        "children": [c["asin"] for c in children],
        "variation_theme": item["variation_theme"],
        "variation_attributes": json.loads(attributes) if isinstance(attributes, str) else attributes,
        "offers": [
            {
                "seller_id": o["seller_id"],
                "sku": o["sku"],
                "created_the_item": o["new_asin"],
                "since": o["created_at"].isoformat(),
            }
            for o in offers
        ],
        "created_at": item["created_at"].isoformat(),
    }
