"""The matching store in PostgreSQL, on one connection (the pipeline's open transaction): one statement per kind of
data per batch, indexed lookups only, in any plan PostgreSQL may cache for them (no condition an index cannot
serve, such as ``$1 = '' OR brand_key = $1``); tests/integration/test_matching_blocking_plans.py checks it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Sequence

import asyncpg

from asinflow_duplicate_matching.domain.blocking import (
    BLOCK_LIMIT,
    COUNT_CAP,
    READ_BUDGET,
    BlockingQuery,
    item_keys,
    qualified,
    title_keys,
)
from asinflow_duplicate_matching.domain.candidates import IndexedItem, key, tokens
from asinflow_duplicate_matching.store import Decision, Gtin

SCHEMA = "duplicate_matching"

_ITEM = "asin, brand, title, category, model_number, part_number, gtin14s, is_child"

# Items arrive as parallel arrays; an item's words, keys and GTINs as one space-separated text each (none of them
# contains a space). key_counts rows are upserted in key order, so concurrent batches lock them in one order.
ADD_ITEMS = f"""
WITH added AS (
    INSERT INTO {SCHEMA}.items (asin, brand, brand_key, title, category, model_number, part_number, model_key,
                                part_key, tokens, keys, gtin14s, is_child)
    SELECT asin, brand, brand_key, title, category, model_number, part_number, model_key, part_key,
           string_to_array(tokens, ' '), string_to_array(keys, ' '), string_to_array(gtin14s, ' '), is_child
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                  $9::text[], $10::text[], $11::text[], $12::text[], $13::boolean[])
           AS i(asin, brand, brand_key, title, category, model_number, part_number, model_key, part_key, tokens,
                keys, gtin14s, is_child)
    ON CONFLICT (asin) DO NOTHING
    RETURNING asin, keys, gtin14s
), counted AS (
    INSERT INTO {SCHEMA}.key_counts (key, items)
    SELECT k, count(*) FROM added, unnest(added.keys) k GROUP BY k ORDER BY k
    ON CONFLICT (key) DO UPDATE SET items = least(key_counts.items + EXCLUDED.items, {COUNT_CAP})
        WHERE key_counts.items < {COUNT_CAP}
), own_gtins AS (
    INSERT INTO {SCHEMA}.gtins (gtin14, asin, alias)
    SELECT g, added.asin, false FROM added, unnest(added.gtin14s) g
    ON CONFLICT (gtin14) DO NOTHING
)
SELECT asin FROM added
"""

ADD_GTINS = f"""
INSERT INTO {SCHEMA}.gtins (gtin14, asin, alias)
SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[])
ON CONFLICT (gtin14) DO NOTHING
RETURNING gtin14
"""

BY_GTIN = f"""
SELECT g.gtin14, {", ".join("i." + c for c in _ITEM.split(", "))}
  FROM {SCHEMA}.gtins g JOIN {SCHEMA}.items i USING (asin)
 WHERE g.gtin14 = ANY($1::text[])
"""

KEY_COUNTS = f"SELECT key, items FROM {SCHEMA}.key_counts WHERE key = ANY($1::text[])"

# Every proposal of the batch at once: one row per query (WITH ORDINALITY numbers them), each looked up through
# the indexes by a LATERAL subquery: (brand_key, model_key) / (brand_key, part_key), then GIN(keys) by the title's
# chosen keys (any of them, or all when $4), at most $6 items read, ranked by title words shared.
BLOCK = f"""
WITH q AS MATERIALIZED (
    SELECT n, brand_key, string_to_array(model_keys, ' ') AS model_keys, string_to_array(keys, ' ') AS keys,
           all_keys, string_to_array(words, ' ') AS words
      FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::text[])
           WITH ORDINALITY AS q(brand_key, model_keys, keys, all_keys, words, n)
)
SELECT q.n, {", ".join("c." + c for c in _ITEM.split(", "))}
  FROM q CROSS JOIN LATERAL (
       SELECT f.*, (SELECT count(*) FROM unnest(f.tokens) w WHERE w = ANY(q.words)) AS shared
         FROM (SELECT {_ITEM}, tokens, true AS by_model FROM {SCHEMA}.items
                WHERE brand_key = q.brand_key
                  AND ((model_key <> '' AND model_key = ANY(q.model_keys))
                    OR (part_key <> '' AND part_key = ANY(q.model_keys)))
               UNION ALL
               (SELECT {_ITEM}, tokens, false FROM {SCHEMA}.items
                 WHERE NOT q.all_keys AND keys && q.keys
                   AND NOT (brand_key = q.brand_key AND (model_key = ANY(q.model_keys) OR part_key = ANY(q.model_keys)))
                 LIMIT $6)
               UNION ALL
               (SELECT {_ITEM}, tokens, false FROM {SCHEMA}.items
                 WHERE q.all_keys AND keys @> q.keys
                   AND NOT (brand_key = q.brand_key AND (model_key = ANY(q.model_keys) OR part_key = ANY(q.model_keys)))
                 LIMIT $6)) f
        ORDER BY f.by_model DESC, shared DESC, f.asin
        LIMIT $7) c
 ORDER BY q.n, c.by_model DESC, c.shared DESC, c.asin
"""

SAVE_DECISIONS = f"""
INSERT INTO {SCHEMA}.decisions (proposal_id, listing_id, outcome, asin, match_kind, score, evidence)
SELECT proposal_id, listing_id, outcome, asin, match_kind, score, evidence::jsonb
  FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[])
       AS d(proposal_id, listing_id, outcome, asin, match_kind, score, evidence)
ON CONFLICT (proposal_id) DO NOTHING
RETURNING proposal_id
"""

DECISIONS = f"""
SELECT proposal_id, listing_id, outcome, asin, match_kind, score, evidence
  FROM {SCHEMA}.decisions WHERE proposal_id = ANY($1::uuid[])
"""


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


class PostgresMatchingStore:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add_items(self, items: Sequence[IndexedItem]) -> list[str]:
        if not items:
            return []
        columns: list[list[object]] = [[] for _ in range(13)]
        for i in items:
            words = tokens(i.title)
            row = (
                i.asin,
                i.brand,
                key(i.brand),
                i.title,
                i.category,
                i.model_number,
                i.part_number,
                key(i.model_number),
                key(i.part_number),
                " ".join(words),
                " ".join(item_keys(key(i.brand), words)),
                " ".join(i.gtin14s),
                i.is_child,
            )
            for column, value in zip(columns, row, strict=True):
                column.append(value)
        return [r["asin"] for r in await self.conn.fetch(ADD_ITEMS, *columns)]

    async def add_gtins(self, gtins: Sequence[Gtin]) -> list[str]:
        if not gtins:
            return []
        rows = await self.conn.fetch(
            ADD_GTINS, [g.gtin14 for g in gtins], [g.asin for g in gtins], [g.alias for g in gtins]
        )
        return [r["gtin14"] for r in rows]

    async def by_gtin(self, gtin14s: Collection[str]) -> dict[str, IndexedItem]:
        if not gtin14s:
            return {}
        return {r["gtin14"]: _item(r) for r in await self.conn.fetch(BY_GTIN, list(gtin14s))}

    async def candidates(self, queries: Sequence[BlockingQuery]) -> list[list[IndexedItem]]:
        if not queries:
            return []
        wanted = sorted({k for q in queries for k in qualified(q.brand_key, q.words)})
        counts = {r["key"]: r["items"] for r in await self.conn.fetch(KEY_COUNTS, wanted)}
        chosen = [title_keys(q, counts) for q in queries]
        rows = await self.conn.fetch(
            BLOCK,
            [q.brand_key for q in queries],
            [" ".join(q.model_keys) for q in queries],
            [" ".join(c.keys) for c in chosen],
            [c.all_required for c in chosen],
            [" ".join(q.words) for q in queries],
            READ_BUDGET,
            BLOCK_LIMIT,
        )
        found: list[list[IndexedItem]] = [[] for _ in queries]
        for r in rows:
            found[r["n"] - 1].append(_item(r))
        return found

    async def save_decisions(self, decisions: Sequence[Decision]) -> list[uuid.UUID]:
        if not decisions:
            return []
        rows = await self.conn.fetch(
            SAVE_DECISIONS,
            [d.proposal_id for d in decisions],
            [d.listing_id for d in decisions],
            [d.outcome for d in decisions],
            [d.asin for d in decisions],
            [d.match_kind for d in decisions],
            [d.score for d in decisions],
            [json.dumps(d.evidence, default=str) for d in decisions],
        )
        return [r["proposal_id"] for r in rows]

    async def decisions(self, proposal_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Decision]:
        if not proposal_ids:
            return {}
        rows = await self.conn.fetch(DECISIONS, list(proposal_ids))
        return {
            r["proposal_id"]: Decision(
                r["proposal_id"],
                r["listing_id"],
                r["outcome"],
                r["asin"],
                r["match_kind"],
                r["score"],
                json.loads(r["evidence"]),
            )
            for r in rows
        }
