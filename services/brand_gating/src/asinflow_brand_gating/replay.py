"""Rebuild the registry from its history: every registry event, in the order it was applied.

The projection (brands, authorisations, prefixes, exemptions, requests) is a fold of the history, so
dropping it and folding the history again gives the same registry. Runs in one transaction; TRUNCATE's
lock keeps the service's batches out until it commits.
"""

from __future__ import annotations

import sys

import asyncpg

from asinflow_brand_gating.adapters import postgres
from asinflow_brand_gating.domain.registry import Registry, apply
from asinflow_brand_gating.models import REGISTRY_MODELS


async def rebuild(conn: asyncpg.Connection) -> int:
    """Replay the history into an empty projection; returns how many events were replayed."""
    async with conn.transaction():
        await postgres.clear_projection(conn)
        rows = await postgres.history(conn)
        registry = Registry()
        for row in rows:
            event = REGISTRY_MODELS[row["event_type"]].model_validate_json(row["body"])
            apply(registry, row["event_type"], event, row["at"])
        await postgres.PostgresGatingStore(conn).save(registry)
    return len(rows)


def main() -> int:
    """``python -m asinflow_brand_gating rebuild``: rebuild on ``DATABASE_URL``; prints ``{"replayed": N}``."""
    import asyncio
    import json

    from asinflow_runtime.db import create_pool
    from asinflow_runtime.settings import InfraSettings

    url = InfraSettings().database_url
    if not url:
        print("DATABASE_URL is not set", file=sys.stderr)
        return 2

    async def go() -> int:
        pool = await create_pool(url, min_size=1, max_size=1)
        try:
            async with pool.acquire() as conn:
                return await rebuild(conn)
        finally:
            await pool.close()

    print(json.dumps({"replayed": asyncio.run(go())}))
    return 0
