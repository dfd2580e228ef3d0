"""Commands that change something publish the same event an upstream system would, then wait until the
owning service has applied it (its inbox holds the event id): DESIGN §6."""

from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg
from aiokafka import AIOKafkaProducer
from asinflow_runtime import upstream
from asinflow_runtime.db import quote_ident
from asinflow_runtime.settings import InfraSettings
from pydantic import BaseModel

from asinflow_cli import connect

SOURCE = "/asinflow/cli"


class NotApplied(RuntimeError):
    """The owning service did not apply the event in time (is the stack running?)."""


async def publish_and_wait(
    settings: InfraSettings,
    topic: str,
    key: str,
    event: BaseModel,
    owner_schema: str | tuple[str, ...],
    timeout: float = 30.0,
    *,
    unique: bool = False,
) -> uuid.UUID:
    """Publish ``event`` and wait until every owner schema's service applied it. The event id is derived
    from the content (sending the same content twice is one event), or random with ``unique`` (an action
    a user may repeat on purpose, such as granting again what was revoked)."""
    async with connect.producer(settings) as producer:
        event_id = await send_event(producer, topic, key, event, unique=unique)
    async with connect.database(settings) as pool:
        for schema in (owner_schema,) if isinstance(owner_schema, str) else owner_schema:
            await wait_applied(pool, schema, event_id, timeout)
    return event_id


async def send_event(
    producer: AIOKafkaProducer, topic: str, key: str, event: BaseModel, *, unique: bool = False
) -> uuid.UUID:
    """Send one event with its CloudEvents envelope; its id (see ``publish_and_wait``)."""
    return await upstream.send_event(producer, topic, key, event, SOURCE, unique=unique)


async def wait_applied(pool: asyncpg.Pool, schema: str, event_id: uuid.UUID, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    query = f"SELECT 1 FROM {quote_ident(schema)}.inbox WHERE event_id = $1"
    while time.monotonic() < deadline:
        try:
            if await pool.fetchval(query, event_id):
                return
        except asyncpg.UndefinedTableError:
            pass
        await asyncio.sleep(0.1)
    raise NotApplied(f"published, but the {schema} service has not applied it within {timeout:.0f}s")
