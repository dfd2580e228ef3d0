"""Reading a JSON Lines feed and publishing its lines as ``listing.proposed`` events."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaProducer
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.ids import content_event_id, listing_id
from asinflow_contracts.proposal_reading import ProposalRead, read_proposal

SOURCE = "/asinflow/cli"


@dataclass(frozen=True)
class FeedLine:
    number: int
    raw: bytes
    read: ProposalRead

    @property
    def publishable(self) -> bool:
        return self.read.unreadable is None

    @property
    def event_id(self) -> uuid.UUID:
        return content_event_id(topics.LISTING_PROPOSED, self.raw)

    @property
    def key(self) -> bytes:
        """The message key: the listing id, so one listing's events stay on one partition."""
        assert self.read.seller_id and self.read.sku
        return str(listing_id(self.read.seller_id, self.read.sku)).encode()

    def envelope(self) -> Envelope:
        assert self.read.seller_id and self.read.sku
        return Envelope(
            id=self.event_id,
            type=topics.LISTING_PROPOSED,
            source=SOURCE,
            subject=str(listing_id(self.read.seller_id, self.read.sku)),
        )


def read_feed(path: Path) -> Iterator[FeedLine]:
    """Every non-blank line of the file, read but not judged; line numbers are 1-based."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            raw = line.strip()
            if raw:
                yield FeedLine(number, raw, read_proposal(raw))


def describe_problem(line: FeedLine) -> str | None:
    """What is wrong with a line, as shown to the user (None for a good line)."""
    if line.read.unreadable is not None:
        return f"line {line.number}: not published: {line.read.unreadable}"
    if line.read.errors:
        details = "; ".join(f"{e.attribute}: {e.message}" for e in line.read.errors)
        return f"line {line.number}: sku {line.read.sku!r} will be rejected SCHEMA_INVALID: {details}"
    return None


async def publish_lines(
    producer: AIOKafkaProducer,
    lines: list[FeedLine],
    *,
    chunk: int = 500,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Publish the publishable lines keyed by listing id; returns how many were published."""
    sent = 0
    publishable = [line for line in lines if line.publishable]
    for start in range(0, len(publishable), chunk):
        part = publishable[start : start + chunk]
        futures = [
            await producer.send(
                topics.LISTING_PROPOSED,
                line.raw,
                key=line.key,
                headers=line.envelope().to_headers(),
            )
            for line in part
        ]
        await asyncio.gather(*futures)
        sent += len(part)
        if progress is not None:
            progress(len(part))
    return sent
