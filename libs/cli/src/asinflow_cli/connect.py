"""Connections for one CLI command, opened and closed around it. Each driver is imported when its connection is
opened: a command that only reads the database does not load the Kafka client, and the reverse."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncpg
    from aiokafka import AIOKafkaProducer
    from asinflow_runtime.settings import InfraSettings


@contextlib.asynccontextmanager
async def database(settings: InfraSettings) -> AsyncIterator[asyncpg.Pool]:
    from asinflow_runtime.db import create_pool

    assert settings.database_url
    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        yield pool
    finally:
        await pool.close()


@contextlib.asynccontextmanager
async def producer(settings: InfraSettings) -> AsyncIterator[AIOKafkaProducer]:
    from asinflow_runtime.kafka import new_producer

    assert settings.kafka_bootstrap_servers
    p = new_producer(settings.kafka_bootstrap_servers)
    await p.start()
    try:
        yield p
    finally:
        await p.stop()
