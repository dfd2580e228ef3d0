"""Brand-registry helpers for tests: publish registry events the way upstream systems do, wait until the
brand-gating service (and, for exemptions, identifier validation) applied them, read the outcome."""

from __future__ import annotations

from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaProducer
from asinflow_brand_gating.adapters.queries import outcome_of
from asinflow_cli.publishing import send_event, wait_applied
from asinflow_cli.registry_file import message_key, owners
from pydantic import BaseModel

EXAMPLE_REGISTRY = Path(__file__).parents[2] / "examples" / "registry.jsonl"


async def registry_event(
    producer: AIOKafkaProducer, pool: asyncpg.Pool, topic: str, event: BaseModel, timeout: float = 30.0
) -> tuple[bool, str]:
    """Publish one registry event; returns (applied, reason) once the brand-gating service recorded it."""
    event_id = await send_event(producer, topic, message_key(event), event, unique=True)
    for schema in owners(topic):
        await wait_applied(pool, schema, event_id, timeout)
    return await outcome_of(pool, event_id)
