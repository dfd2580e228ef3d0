"""Connections for one CLI command, opened and closed around it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg
from aiokafka import AIOKafkaProducer
from asinflow_runtime.db import create_pool
from asinflow_runtime.kafka import new_producer
from asinflow_runtime.settings import InfraSettings


@contextlib.asynccontextmanager
async def database(settings: InfraSettings) -> AsyncIterator[asyncpg.Pool]:
    assert settings.database_url
    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        yield pool
    finally:
        await pool.close()


@contextlib.asynccontextmanager
async def producer(settings: InfraSettings) -> AsyncIterator[AIOKafkaProducer]:
    assert settings.kafka_bootstrap_servers
    p = new_producer(settings.kafka_bootstrap_servers)
    await p.start()
    try:
        yield p
    finally:
        await p.stop()
