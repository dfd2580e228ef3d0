"""What the API reads besides the owners' routes: brand approval requests (brand gating's table, as
``asinflow brand requests`` reads it: brand gating serves no route for them yet) and dead letters (the ``*.dlq``
topics and ``ops.dead_letter_bodies``, as ``asinflow dlq`` does, through ``asinflow_runtime.dead_letters``).

A store that cannot be read is ``OwnerUnavailable`` (503, naming it), as an owner that does not answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from asinflow_runtime import dead_letters
from asinflow_runtime.dead_letters import Letter

from asinflow_listings_api.adapters.owners import OwnerUnavailable

#: Brand gating's schema (its migrations own the table; read only here).
BRAND_GATING = "brand_gating"


class ApprovalRequests(Protocol):
    async def find(
        self, *, brand_key: str | None, seller_id: str | None, status: str | None, after: str | None, limit: int
    ) -> list[dict[str, Any]]:
        """Requests matching every filter given, in request id order, after ``after``, at most ``limit``."""
        ...


class DeadLetters(Protocol):
    async def letters(self) -> list[Letter]: ...

    async def replay(self, letters: Sequence[Letter]) -> list[str]:
        """Send the letters' originals back; the problems of those that could not be sent."""
        ...


class PostgresApprovalRequests:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def find(
        self, *, brand_key: str | None, seller_id: str | None, status: str | None, after: str | None, limit: int
    ) -> list[dict[str, Any]]:
        try:
            rows = await self.pool.fetch(
                f"""SELECT q.request_id, coalesce(b.display, q.brand_key) AS brand, q.brand_key, q.seller_id, q.skus,
                           q.status, q.missing, q.decided_by, q.reason
                      FROM {BRAND_GATING}.approval_requests q LEFT JOIN {BRAND_GATING}.brands b USING (brand_key)
                     WHERE ($1::text IS NULL OR q.brand_key = $1) AND ($2::text IS NULL OR q.seller_id = $2)
                       AND ($3::text IS NULL OR q.status = $3) AND ($4::text IS NULL OR q.request_id > $4)
                     ORDER BY q.request_id LIMIT $5""",
                brand_key,
                seller_id,
                status,
                after,
                limit,
            )
        except (asyncpg.PostgresError, OSError) as exc:
            raise OwnerUnavailable(
                "brand-gating", f"its approval requests cannot be read ({type(exc).__name__})"
            ) from None
        return [
            {**dict(r), "skus": list(r["skus"]) if r["skus"] is not None else None, "missing": list(r["missing"])}
            for r in rows
        ]


class KafkaDeadLetters:
    def __init__(self, bootstrap: str, producer: AIOKafkaProducer, pool: asyncpg.Pool) -> None:
        self.bootstrap = bootstrap
        self.producer = producer
        self.pool = pool

    async def letters(self) -> list[Letter]:
        try:
            return await dead_letters.read_letters(self.bootstrap)
        except (KafkaError, OSError) as exc:
            raise OwnerUnavailable("kafka", f"the dead letters cannot be read ({type(exc).__name__})") from None

    async def replay(self, letters: Sequence[Letter]) -> list[str]:
        try:
            return await dead_letters.replay(self.producer, self.pool, letters)
        except (KafkaError, OSError, asyncpg.PostgresError) as exc:
            raise OwnerUnavailable("kafka", f"the dead letters cannot be replayed ({type(exc).__name__})") from None


class Unavailable:
    """Where nothing is connected (the OpenAPI document's app): every read is a 503."""

    async def find(self, **kwargs: Any) -> list[dict[str, Any]]:
        raise OwnerUnavailable("brand-gating", "not connected")

    async def letters(self) -> list[Letter]:
        raise OwnerUnavailable("kafka", "not connected")

    async def replay(self, letters: Sequence[Letter]) -> list[str]:
        raise OwnerUnavailable("kafka", "not connected")
