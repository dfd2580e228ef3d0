"""Rebuild the registry from its history: every registry event, in the order it was applied.

The projection (brands, authorisations, prefixes, exemptions, requests) is a fold of the history, so
dropping it and folding the history again gives the same registry. Runs in one transaction; TRUNCATE's
lock keeps the service's batches out until it commits.
"""

from __future__ import annotations

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
