"""Is each server of the stack answering? (``asinflow status``)"""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from asinflow_runtime.cache import create_redis
from asinflow_runtime.db import create_pool
from asinflow_runtime.settings import InfraSettings


async def _kafka(bootstrap: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    await admin.start()
    try:
        await admin.list_topics()
    finally:
        await admin.close()


async def _postgres(url: str) -> None:
    pool = await create_pool(url, min_size=1, max_size=1)
    try:
        await pool.fetchval("SELECT 1")
    finally:
        await pool.close()


async def _redis(url: str) -> None:
    client = create_redis(url)
    try:
        await client.ping()
    finally:
        await client.aclose()


async def check(settings: InfraSettings) -> list[dict[str, Any]]:
    probes = {
        "kafka": (settings.kafka_bootstrap_servers, _kafka),
        "postgres": (settings.database_url, _postgres),
        "redis": (settings.redis_url, _redis),
    }
    results = []
    for name, (url, probe) in probes.items():
        error = None
        try:
            await asyncio.wait_for(probe(url or ""), timeout=5)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
        results.append({"server": name, "url": url, "ok": error is None, "error": error})
    return results
