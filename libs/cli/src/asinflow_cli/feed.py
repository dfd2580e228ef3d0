"""Reading a JSON Lines feed and publishing its lines as ``listing.proposed`` events."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaProducer
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.ids import content_event_id
from asinflow_contracts.limits import MAX_PROPOSAL_BYTES
from asinflow_contracts.proposal_reading import ProposalRead, read_proposal
from asinflow_runtime.upstream import Proposal, send_proposals

SOURCE = "/asinflow/cli"
#: A NUL byte in the first this many bytes: the file is binary, not JSON Lines.
SNIFF_BYTES = 8192


class FeedFileError(ValueError):
    """The file cannot be read as a JSON Lines feed at all (as opposed to some bad lines in it)."""


@dataclass(frozen=True)
class FeedLine:
    number: int
    raw: bytes
    read: ProposalRead

    @property
    def publishable(self) -> bool:
        return self.read.unreadable is None

    @property
    def proposal(self) -> Proposal:
        """The message this line is sent as (``asinflow_runtime.upstream``, as the listings API sends one)."""
        assert self.read.seller_id and self.read.sku
        return Proposal(self.raw, self.read.seller_id, self.read.sku)

    @property
    def event_id(self) -> uuid.UUID:
        return content_event_id(topics.LISTING_PROPOSED, self.raw)

    @property
    def key(self) -> bytes:
        """The message key: the listing id, so one listing's events stay on one partition."""
        return self.proposal.key

    def envelope(self) -> Envelope:
        return self.proposal.envelope(SOURCE)


def read_feed(path: Path) -> Iterator[FeedLine]:
    """Every non-blank line of the file, read but not judged; line numbers are 1-based. A line over
    ``MAX_PROPOSAL_BYTES`` is not parsed: it cannot be published (see ``describe_problem``)."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            raw = line.strip()
            if len(raw) > MAX_PROPOSAL_BYTES:
                too_large = f"the line is {len(raw):,} bytes; a proposal is at most {MAX_PROPOSAL_BYTES:,}"
                yield FeedLine(number, raw, ProposalRead(unreadable=too_large))
            elif raw:
                yield FeedLine(number, raw, read_proposal(raw))


def read_feed_file(path: Path) -> list[FeedLine]:
    """``read_feed`` of a whole file; ``FeedFileError`` if it is no text file or cannot be read."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
        if b"\0" in head:
            raise FeedFileError(f"{path}: a binary file, not JSON Lines (one listing.proposed object a line)")
        return list(read_feed(path))
    except OSError as exc:
        raise FeedFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


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
    proposals = [line.proposal for line in lines if line.publishable]
    return await send_proposals(producer, proposals, SOURCE, chunk=chunk, progress=progress)
