"""A process's heartbeat row in ``ops.service_heartbeat`` (``asinflow run`` waits for it, ``asinflow status`` and
the listings API read it: readiness, the reason, the counters and the process's HTTP address), and the loop that
runs a process until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

import asyncpg

#: The schema of the runtime's own tables (heartbeats, dead-letter bodies…).
OPS_SCHEMA = "ops"


async def record_heartbeat(
    pool: asyncpg.Pool,
    *,
    service: str,
    instance: str,
    started_at: datetime,
    ready: bool,
    reason: str | None,
    counters: Mapping[str, Any],
    http_url: str | None,
) -> None:
    """Upsert the service's one row (the latest instance wins)."""
    await pool.execute(
        f"""
        INSERT INTO {OPS_SCHEMA}.service_heartbeat
            (service, instance, started_at, beat_at, ready, counters, reason, http_url)
        VALUES ($1, $2, $3, now(), $4, $5::jsonb, $6, $7)
        ON CONFLICT (service) DO UPDATE SET instance = excluded.instance, started_at = excluded.started_at,
            beat_at = excluded.beat_at, ready = excluded.ready, counters = excluded.counters,
            reason = excluded.reason, http_url = excluded.http_url
        """,
        service,
        instance,
        started_at,
        ready,
        json.dumps(dict(counters)),
        reason,
        http_url,
    )


async def serve_until_signalled(start: Callable[[], Awaitable[None]], stop: Callable[[], Awaitable[None]]) -> None:
    """``start()``, wait for SIGINT or SIGTERM, then ``stop()`` (also when start or the wait fails)."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    await start()
    try:
        await stopping.wait()
    finally:
        await stop()
