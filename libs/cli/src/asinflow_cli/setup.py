"""``asinflow init``: topics and every service's migrations, the listings API's keys included (the docker compose
init job runs it too)."""

from __future__ import annotations

from asinflow_apikeys import store as api_keys
from asinflow_runtime.db import create_pool, migrate, reliability_migrations
from asinflow_runtime.kafka import ensure_topics
from asinflow_runtime.service import OPS_SCHEMA, ops_migrations
from asinflow_runtime.settings import InfraSettings

from asinflow_cli.services import SERVICES, all_topics


async def initialise(settings: InfraSettings) -> list[str]:
    assert settings.kafka_bootstrap_servers and settings.database_url
    await ensure_topics(settings.kafka_bootstrap_servers, all_topics())
    pool = await create_pool(settings.database_url, max_size=1)
    applied: list[str] = []
    try:
        async with pool.acquire() as conn:
            applied += [f"{OPS_SCHEMA}.{v}" for v in await migrate(conn, OPS_SCHEMA, ops_migrations())]
            for spec, _ in SERVICES:
                done = await migrate(conn, spec.schema, [*reliability_migrations(), *spec.migrations])
                applied += [f"{spec.schema}.{v}" for v in done]
            applied += [f"{api_keys.SCHEMA}.{v}" for v in await migrate(conn, api_keys.SCHEMA, api_keys.migrations())]
    finally:
        await pool.close()
    return applied
