"""The values a service handler receives and returns; no I/O here."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from asinflow_contracts.envelope import Envelope
from pydantic import BaseModel


class Unreadable(ValueError):
    """A message that cannot be tied to anything: it goes to the dead-letter topic with ``reason``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass(frozen=True)
class Incoming:
    """One consumed message after the service parsed it; ``record`` is the aiokafka ConsumerRecord."""

    record: Any
    envelope: Envelope
    body: Any  # the service's parsed payload (a model, or a parse outcome)

    @property
    def event_id(self) -> uuid.UUID:
        return self.envelope.id

    @property
    def topic(self) -> str:
        return str(self.record.topic)


@dataclass(frozen=True)
class Outgoing:
    """An event to emit: written to the outbox in the handler's transaction, then relayed."""

    topic: str
    key: str
    envelope: Envelope
    payload: BaseModel | bytes

    def body(self) -> bytes:
        if isinstance(self.payload, bytes):
            return self.payload
        return self.payload.model_dump_json().encode()


@dataclass
class Counters:
    """What a service did since it started; written with its heartbeat."""

    consumed: int = 0
    applied: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    emitted: int = 0
    published: int = 0
    retries: int = 0
    batches: int = 0
    halts: int = 0
    #: dead letters by reason
    reasons: dict[str, int] = field(default_factory=dict)
    extra: dict[str, int] = field(default_factory=dict)

    def add_reasons(self, reasons: Iterable[str]) -> None:
        for reason in reasons:
            self.reasons[reason] = self.reasons.get(reason, 0) + 1

    def as_dict(self) -> dict[str, int]:
        values = {k: v for k, v in self.__dict__.items() if k not in ("extra", "reasons")}
        by_reason = {f"dead_lettered.{reason}": n for reason, n in sorted(self.reasons.items())}
        return {**values, **by_reason, **self.extra}
