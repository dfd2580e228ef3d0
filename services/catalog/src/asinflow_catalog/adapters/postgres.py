"""The catalog's own tables: items, their GTINs, and the offers (listing versions) on them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

SCHEMA = "catalog"


@dataclass(frozen=True)
class NewItem:
    asin: str
    brand: str
    manufacturer: str | None
    title: str
    product_type: str
    model_number: str | None
    part_number: str | None
    parent_asin: str | None
    variation_theme: str | None
    variation_attributes: dict[str, str]
    created_by_listing: uuid.UUID
    created_by_proposal: uuid.UUID
    gtin14s: list[str]


@dataclass(frozen=True)
class Offer:
    proposal_id: uuid.UUID
    listing_id: uuid.UUID
    seller_id: str
    sku: str
    asin: str
    new_asin: bool
    parent_sku: str | None


async def asins_by_gtin(conn: asyncpg.Connection, gtins: Sequence[str]) -> dict[str, str]:
    rows = await conn.fetch(f"SELECT gtin14, asin FROM {SCHEMA}.gtins WHERE gtin14 = ANY($1::text[])", list(gtins))
    return {r["gtin14"]: r["asin"] for r in rows}


async def offers_by_proposal(conn: asyncpg.Connection, proposal_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Offer]:
    rows = await conn.fetch(
        f"""SELECT proposal_id, listing_id, seller_id, sku, asin, new_asin, parent_sku FROM {SCHEMA}.offers
            WHERE proposal_id = ANY($1::uuid[])""",
        list(proposal_ids),
    )
    return {r["proposal_id"]: Offer(**dict(r)) for r in rows}


async def latest_asins(conn: asyncpg.Connection, seller_skus: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The ASIN of the latest offer of each (seller_id, sku)."""
    if not seller_skus:
        return {}
    rows = await conn.fetch(
        f"""SELECT DISTINCT ON (o.seller_id, o.sku) o.seller_id, o.sku, o.asin
            FROM {SCHEMA}.offers o JOIN unnest($1::text[], $2::text[]) AS w(seller_id, sku)
              ON o.seller_id = w.seller_id AND o.sku = w.sku
            ORDER BY o.seller_id, o.sku, o.created_at DESC""",
        [s for s, _ in seller_skus],
        [k for _, k in seller_skus],
    )
    return {(r["seller_id"], r["sku"]): r["asin"] for r in rows}


async def taken(conn: asyncpg.Connection, asins: Sequence[str]) -> set[str]:
    rows = await conn.fetch(f"SELECT asin FROM {SCHEMA}.items WHERE asin = ANY($1::text[])", list(asins))
    return {r["asin"] for r in rows}


async def save(conn: asyncpg.Connection, items: Sequence[NewItem], offers: Sequence[Offer]) -> None:
    if items:
        await conn.executemany(
            f"""INSERT INTO {SCHEMA}.items (asin, brand, manufacturer, title, product_type, model_number, part_number,
                   parent_asin, variation_theme, variation_attributes, created_by_listing, created_by_proposal)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12)""",
            [
                (
                    i.asin,
                    i.brand,
                    i.manufacturer,
                    i.title,
                    i.product_type,
                    i.model_number,
                    i.part_number,
                    i.parent_asin,
                    i.variation_theme,
                    json.dumps(i.variation_attributes),
                    i.created_by_listing,
                    i.created_by_proposal,
                )
                for i in items
            ],
        )
        gtins = [(g, i.asin) for i in items for g in i.gtin14s]
        if gtins:
            await conn.executemany(
                f"INSERT INTO {SCHEMA}.gtins (gtin14, asin) VALUES ($1, $2) ON CONFLICT (gtin14) DO NOTHING", gtins
            )
    if offers:
        await conn.executemany(
            f"""INSERT INTO {SCHEMA}.offers (proposal_id, listing_id, seller_id, sku, asin, new_asin, parent_sku)
                VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (proposal_id) DO NOTHING""",
            [(o.proposal_id, o.listing_id, o.seller_id, o.sku, o.asin, o.new_asin, o.parent_sku) for o in offers],
        )


async def add_aliases(conn: asyncpg.Connection, aliases: Sequence[tuple[str, str]]) -> None:
    """GTINs under which an existing item was proposed again (identical products, several GTINs)."""
    if aliases:
        await conn.executemany(
            f"INSERT INTO {SCHEMA}.gtins (gtin14, asin) VALUES ($1, $2) ON CONFLICT (gtin14) DO NOTHING", aliases
        )


async def link_waiting_children(conn: asyncpg.Connection, parents: Sequence[tuple[str, str, str]]) -> None:
    """Children created before their parent: point their items at the parent's ASIN now."""
    if parents:
        await conn.execute(
            f"""UPDATE {SCHEMA}.items i SET parent_asin = p.asin
                FROM {SCHEMA}.offers o JOIN unnest($1::text[], $2::text[], $3::text[]) AS p(seller_id, sku, asin)
                  ON o.seller_id = p.seller_id AND o.parent_sku = p.sku
                WHERE i.asin = o.asin AND o.new_asin AND i.parent_asin IS NULL AND i.asin <> p.asin""",
            [p[0] for p in parents],
            [p[1] for p in parents],
            [p[2] for p in parents],
        )


async def item_view(conn: asyncpg.Connection | asyncpg.Pool, asin: str) -> dict[str, Any] | None:
    item = await conn.fetchrow(f"SELECT * FROM {SCHEMA}.items WHERE asin = $1", asin)
    if item is None:
        return None
    gtins = await conn.fetch(f"SELECT gtin14 FROM {SCHEMA}.gtins WHERE asin = $1 ORDER BY gtin14", asin)
    offers = await conn.fetch(
        f"SELECT seller_id, sku, new_asin, created_at FROM {SCHEMA}.offers WHERE asin = $1 ORDER BY created_at", asin
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
