"""Reading what the ledger and the activation service recorded about a listing."""

from __future__ import annotations

from typing import Any

import asyncpg
from asinflow_contracts.ids import listing_id


async def transitions(pool: asyncpg.Pool, seller_id: str, sku: str) -> list[tuple[str | None, str | None, bool]]:
    rows = await pool.fetch(
        "SELECT from_state, to_state, legal FROM ledger.history WHERE listing_id = $1 ORDER BY seq",
        listing_id(seller_id, sku),
    )
    return [(r["from_state"], r["to_state"], r["legal"]) for r in rows]


async def refusals(pool: asyncpg.Pool, seller_id: str, sku: str) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        "SELECT attempted, state, reason FROM activation.refusals WHERE listing_id = $1 ORDER BY seq",
        listing_id(seller_id, sku),
    )
    return [dict(r) for r in rows]


async def asin_of(pool: asyncpg.Pool, seller_id: str, sku: str) -> str:
    return str(
        await pool.fetchval(
            "SELECT asin FROM catalog.offers WHERE listing_id = $1 ORDER BY created_at DESC LIMIT 1",
            listing_id(seller_id, sku),
        )
    )
