"""The service's own tables: exemptions and the record of its decisions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import asyncpg

from asinflow_identifier_validation.domain.exemptions import Exemption

SCHEMA = "identifier_validation"


async def load_exemptions(conn: asyncpg.Connection, ids: Iterable[str]) -> dict[str, Exemption]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = await conn.fetch(
        f"SELECT exemption_id, brand, sku, seller_id FROM {SCHEMA}.exemptions WHERE exemption_id = ANY($1)",
        wanted,
    )
    return {r["exemption_id"]: Exemption(r["exemption_id"], r["brand"], r["sku"], r["seller_id"]) for r in rows}


async def save_exemptions(conn: asyncpg.Connection, exemptions: Sequence[Exemption]) -> None:
    if exemptions:
        await conn.executemany(
            f"""INSERT INTO {SCHEMA}.exemptions (exemption_id, brand, sku, seller_id) VALUES ($1, $2, $3, $4)
                ON CONFLICT (exemption_id) DO UPDATE SET brand = excluded.brand, sku = excluded.sku,
                seller_id = excluded.seller_id""",
            [(e.exemption_id, e.brand, e.sku, e.seller_id) for e in exemptions],
        )


async def save_decisions(conn: asyncpg.Connection, rows: Sequence[tuple[object, object, str, str | None]]) -> None:
    if rows:
        await conn.execute(
            f"""INSERT INTO {SCHEMA}.decisions (proposal_id, listing_id, outcome, code)
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])
                ON CONFLICT (proposal_id) DO NOTHING""",
            [r[0] for r in rows],
            [r[1] for r in rows],
            [r[2] for r in rows],
            [r[3] for r in rows],
        )
