"""Publishing to Kafka exactly as ``asinflow publish`` does (``asinflow_runtime.upstream``), with the API as the
CloudEvents source; each send waits for the broker's acknowledgement before the API answers 202."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable
from typing import TypeVar

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from asinflow_runtime import upstream
from asinflow_runtime.upstream import Proposal
from pydantic import BaseModel

from asinflow_listings_api.adapters.owners import OwnerUnavailable
from asinflow_listings_api.app import Publisher

SOURCE = "/asinflow/listings-api"
#: How long a send may wait for the broker before the API answers 503.
SEND_TIMEOUT_S = 15.0
T = TypeVar("T")


class KafkaPublisher(Publisher):
    def __init__(self, producer: AIOKafkaProducer) -> None:
        self.producer = producer

    async def propose(self, proposal: Proposal) -> None:
        await _acknowledged(upstream.send_proposals(self.producer, [proposal], SOURCE))

    async def send(self, topic: str, key: str, event: BaseModel, *, unique: bool = False) -> uuid.UUID:
        return await _acknowledged(upstream.send_event(self.producer, topic, key, event, SOURCE, unique=unique))


async def _acknowledged(send: Awaitable[T]) -> T:
    """The send's result once the broker acknowledged it; ``OwnerUnavailable`` (503) when it does not."""
    try:
        return await asyncio.wait_for(send, SEND_TIMEOUT_S)
    except (KafkaError, TimeoutError) as exc:
        raise OwnerUnavailable("kafka", f"the broker did not acknowledge ({type(exc).__name__})") from None
