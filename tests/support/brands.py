"""Brand-registry helpers for tests: publish registry events the way upstream systems do, wait until the
brand-gating service (and, for exemptions, identifier validation) applied them, read the outcome."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaProducer
from asinflow_brand_gating.adapters.queries import outcome_of
from asinflow_brands import brand_key
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from pydantic import BaseModel

EXAMPLE_REGISTRY = Path(__file__).parents[2] / "examples" / "registry.jsonl"


async def _applied(pool: asyncpg.Pool, schema: str, event_id: uuid.UUID, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await pool.fetchval(f"SELECT 1 FROM {schema}.inbox WHERE event_id = $1", event_id):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{schema} did not apply {event_id} within {timeout}s")


async def registry_event(
    producer: AIOKafkaProducer, pool: asyncpg.Pool, topic: str, event: BaseModel, timeout: float = 30.0
) -> tuple[bool, str]:
    """Publish one registry event; returns (applied, reason) once the brand-gating service recorded it."""
    event_id = uuid.uuid4()
    key = brand_key(str(getattr(event, "brand", ""))) or "-"
    envelope = Envelope(id=event_id, type=topic, source="/tests", subject=key)
    await producer.send_and_wait(
        topic, event.model_dump_json().encode(), key=key.encode(), headers=envelope.to_headers()
    )
    await _applied(pool, "brand_gating", event_id, timeout)
    if topic in (topics.EXEMPTION_GRANTED, topics.EXEMPTION_REVOKED):
        await _applied(pool, "identifier_validation", event_id, timeout)
    return await outcome_of(pool, event_id)
