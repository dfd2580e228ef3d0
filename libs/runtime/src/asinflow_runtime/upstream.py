"""Publishing as an upstream system does (README "Event contracts"): what ``asinflow publish`` and the listings
API's ``PUT``/``DELETE`` send, built in one place so both send exactly the same messages.

- A proposal's id is derived from its bytes (``content_event_id``): the same body sent twice is one event, its
  ``proposal_id`` in every later event of that listing version.
- Its key and ``ce_subject`` are the listing id (UUIDv5 of seller and SKU): one listing's events stay in order.
- Other upstream events (``send_event``) get a content id too, or a random one for an action a user may repeat
  on purpose.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.ids import content_event_id, listing_id
from pydantic import BaseModel


@dataclass(frozen=True)
class Proposal:
    """One ``listing.proposed`` message: its body as it will be sent and the listing it names."""

    raw: bytes
    seller_id: str
    sku: str

    @property
    def event_id(self) -> uuid.UUID:
        """The proposal id: derived from the body, so a resend is a duplicate."""
        return content_event_id(topics.LISTING_PROPOSED, self.raw)

    @property
    def listing_id(self) -> uuid.UUID:
        return listing_id(self.seller_id, self.sku)

    @property
    def key(self) -> bytes:
        """The message key: the listing id, so one listing's events stay on one partition."""
        return str(self.listing_id).encode()

    def envelope(self, source: str) -> Envelope:
        return Envelope(id=self.event_id, type=topics.LISTING_PROPOSED, source=source, subject=str(self.listing_id))


async def send_proposals(
    producer: AIOKafkaProducer,
    proposals: Sequence[Proposal],
    source: str,
    *,
    chunk: int = 500,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Send the proposals (``chunk`` in flight at a time), each acknowledged by the broker; returns how many."""
    sent = 0
    for start in range(0, len(proposals), chunk):
        part = proposals[start : start + chunk]
        futures = [
            await producer.send(topics.LISTING_PROPOSED, p.raw, key=p.key, headers=p.envelope(source).to_headers())
            for p in part
        ]
        await asyncio.gather(*futures)
        sent += len(part)
        if progress is not None:
            progress(len(part))
    return sent


async def send_event(
    producer: AIOKafkaProducer, topic: str, key: str, event: BaseModel, source: str, *, unique: bool = False
) -> uuid.UUID:
    """Send one event with its CloudEvents envelope (subject = ``key``) and wait for the broker's acknowledgement.
    Its id is derived from the content (the same content twice is one event), or random with ``unique`` (an
    action a user may repeat on purpose, such as granting again what was revoked)."""
    body = event.model_dump_json().encode()
    event_id = uuid.uuid4() if unique else content_event_id(topic, body)
    envelope = Envelope(id=event_id, type=topic, source=source, subject=key)
    await producer.send_and_wait(topic, body, key=key.encode(), headers=envelope.to_headers())
    return event_id
