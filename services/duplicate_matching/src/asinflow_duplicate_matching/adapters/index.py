"""The matcher's index of the catalog in PostgreSQL: GTIN lookups and blocking (no scans)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import asyncpg
from asinflow_contracts.events import CatalogItemCreated

from asinflow_duplicate_matching.domain.candidates import IndexedItem, key, tokens

SCHEMA = "duplicate_matching"
BLOCK_LIMIT = 50
#: when the proposal names no brand, block on this many of its rarest-looking title words only
UNBRANDED_TOKENS = 4

_COLUMNS = "asin, brand, title, category, model_number, part_number, gtin14s, is_child"


def _item(r: asyncpg.Record) -> IndexedItem:
    return IndexedItem(
        r["asin"],
        r["brand"],
        r["title"],
        r["category"],
        r["model_number"],
        r["part_number"],
        tuple(r["gtin14s"]),
        r["is_child"],
    )


async def add_items(conn: asyncpg.Connection, items: Sequence[CatalogItemCreated]) -> None:
    if not items:
        return
    await conn.executemany(
        f"""INSERT INTO {SCHEMA}.items (asin, brand, brand_key, title, category, model_number, part_number,
                                        model_key, part_key, tokens, gtin14s, is_child)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (asin) DO NOTHING""",
        [
            (
                i.asin,
                i.brand,
                key(i.brand),
                i.title,
                i.product_type,
                i.model_number or "",
                i.part_number or "",
                key(i.model_number),
                key(i.part_number),
                tokens(i.title),
                i.gtin14s,
                i.parent_asin is not None,
            )
            for i in items
        ],
    )
    await add_gtins(conn, [(g, i.asin, False) for i in items for g in i.gtin14s])


async def add_gtins(conn: asyncpg.Connection, rows: Sequence[tuple[str, str, bool]]) -> None:
    if rows:
        await conn.executemany(
            f"INSERT INTO {SCHEMA}.gtins (gtin14, asin, alias) VALUES ($1, $2, $3) ON CONFLICT (gtin14) DO NOTHING",
            rows,
        )


async def by_gtin(conn: asyncpg.Connection, gtins: Sequence[str]) -> dict[str, IndexedItem]:
    rows = await conn.fetch(
        f"""SELECT g.gtin14, {", ".join("i." + c.strip() for c in _COLUMNS.split(","))}
            FROM {SCHEMA}.gtins g JOIN {SCHEMA}.items i USING (asin) WHERE g.gtin14 = ANY($1::text[])""",
        list(gtins),
    )
    return {r["gtin14"]: _item(r) for r in rows}


async def block(conn: asyncpg.Connection, brand: str, model_keys: Sequence[str], title: str) -> list[IndexedItem]:
    """Candidates for one proposal: the same brand and model/part number, or (same brand and) shared title words,
    most shared words first. Indexed lookups only: (brand_key, model_key), (brand_key, part_key), GIN(tokens)."""
    brand_key = key(brand)
    words = tokens(title) if brand_key else tokens(title)[:UNBRANDED_TOKENS]
    rows = await conn.fetch(
        f"""
        (SELECT {_COLUMNS}, 1000 AS shared FROM {SCHEMA}.items
          WHERE brand_key = $1 AND (model_key = ANY($2::text[]) OR part_key = ANY($2::text[])))
        UNION
        (SELECT {_COLUMNS}, (SELECT count(*) FROM unnest(tokens) t WHERE t = ANY($3::text[])) AS shared
           FROM {SCHEMA}.items
          WHERE tokens && $3::text[] AND ($1 = '' OR brand_key = $1)
          ORDER BY shared DESC LIMIT $4)
        ORDER BY shared DESC LIMIT $4
        """,
        brand_key,
        [k for k in model_keys if k],
        words,
        BLOCK_LIMIT,
    )
    return [_item(r) for r in rows]


async def save_decisions(conn: asyncpg.Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    if rows:
        await conn.executemany(
            f"""INSERT INTO {SCHEMA}.decisions (proposal_id, listing_id, outcome, asin, match_kind, score, evidence)
                VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (proposal_id) DO NOTHING""",
            [(*r[:6], json.dumps(r[6], default=str)) for r in rows],
        )
