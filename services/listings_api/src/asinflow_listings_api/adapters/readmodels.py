"""Read models the API pages through: brand approval requests (brand gating's own ``GET /approval-requests``, the
route ``asinflow brand requests`` asks too) and dead letters (the ``*.dlq`` topics and ``ops.dead_letter_bodies``,
as ``asinflow dlq`` reads them, through ``asinflow_runtime.dead_letters``: they belong to no one service).

A store or owner that cannot be read is ``OwnerUnavailable`` (503, naming it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from asinflow_runtime import dead_letters
from asinflow_runtime.dead_letters import Letter

from asinflow_listings_api.adapters.owners import Owners, OwnerUnavailable


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


class OwnerApprovalRequests:
    """Brand gating's approval requests, as its ``GET /approval-requests`` answers them."""

    def __init__(self, owners: Owners) -> None:
        self.owners = owners

    async def find(
        self, *, brand_key: str | None, seller_id: str | None, status: str | None, after: str | None, limit: int
    ) -> list[dict[str, Any]]:
        given = {"brand_key": brand_key, "seller_id": seller_id, "status": status, "after": after, "limit": limit}
        params = {k: str(v) for k, v in given.items() if v is not None}
        answer = await self.owners.call("GET", "brand-gating", "/approval-requests", params=params)
        if answer.status != 200:
            raise OwnerUnavailable("brand-gating", f"its approval requests cannot be read: {answer.error}")
        return list(answer.body["requests"])


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
