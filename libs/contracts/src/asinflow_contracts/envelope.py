"""CloudEvents 1.0 binary content mode over Kafka headers (DESIGN §2 "Event envelope")."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from asinflow_contracts.ids import caused_event_id

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"

Headers = list[tuple[str, bytes]]


class EnvelopeError(ValueError):
    """The headers do not carry a usable CloudEvents envelope."""


@dataclass(frozen=True)
class Envelope:
    """The CloudEvents attributes of one event; ``causation_id`` is the id of the event that caused it."""

    id: uuid.UUID
    type: str
    source: str
    subject: str | None = None
    time: datetime = field(default_factory=lambda: datetime.now(UTC))
    causation_id: uuid.UUID | None = None
    causation_type: str | None = None
    #: W3C Trace Context of the span that emitted the event (CloudEvents' distributed-tracing extension).
    traceparent: str | None = None
    tracestate: str | None = None

    @classmethod
    def caused_by(cls, cause_id: uuid.UUID, cause_type: str, event_type: str, *, source: str, subject: str) -> Envelope:
        """The envelope of an event emitted because of another: its id is derived from the cause's (DESIGN §2),
        so processing the cause again emits the very same event."""
        return cls(
            id=caused_event_id(cause_id, event_type),
            type=event_type,
            source=source,
            subject=subject,
            causation_id=cause_id,
            causation_type=cause_type,
        )

    def to_headers(self) -> Headers:
        headers: Headers = [
            ("ce_specversion", SPECVERSION.encode()),
            ("ce_id", str(self.id).encode()),
            ("ce_type", self.type.encode()),
            ("ce_source", self.source.encode()),
            ("ce_time", self.time.isoformat().encode()),
            ("content-type", CONTENT_TYPE.encode()),
        ]
        if self.subject is not None:
            headers.append(("ce_subject", self.subject.encode()))
        if self.causation_id is not None:
            headers.append(("ce_causationid", str(self.causation_id).encode()))
        if self.causation_type is not None:
            headers.append(("ce_causationtype", self.causation_type.encode()))
        if self.traceparent is not None:
            headers.append(("traceparent", self.traceparent.encode()))
        if self.tracestate:
            headers.append(("tracestate", self.tracestate.encode()))
        return headers

    @classmethod
    def from_headers(cls, headers: Iterable[tuple[str, bytes]] | None) -> Envelope:
        """Parse the envelope; raises ``EnvelopeError`` if ``ce_id`` or ``ce_type`` is missing or malformed."""
        return cls.from_values(header_dict(headers))

    @classmethod
    def from_values(cls, values: dict[str, str]) -> Envelope:
        """Parse the envelope from decoded header values; raises ``EnvelopeError`` when an attribute is missing
        or malformed: ``ce_id`` and ``ce_causationid`` must be UUIDs, ``ce_time`` an RFC 3339 timestamp with a
        time zone, ``ce_specversion`` (when given) 1.0."""
        try:
            event_id = uuid.UUID(values["ce_id"])
            event_type = values["ce_type"]
        except (KeyError, ValueError) as exc:
            raise EnvelopeError(f"missing or malformed CloudEvents header: {exc}") from exc
        if not event_type:
            raise EnvelopeError("empty ce_type")
        spec = values.get("ce_specversion")
        if spec is not None and spec != SPECVERSION:
            raise EnvelopeError(f"ce_specversion {spec[:20]!r} is not {SPECVERSION}")
        time_text = values.get("ce_time")
        try:
            time = datetime.fromisoformat(time_text) if time_text else datetime.now(UTC)
            causation = values.get("ce_causationid")
            causation_id = uuid.UUID(causation) if causation else None
        except ValueError as exc:
            raise EnvelopeError(f"malformed CloudEvents header: {exc}") from exc
        if time.tzinfo is None:
            raise EnvelopeError(f"ce_time {time_text!r} has no time zone (RFC 3339 needs one)")
        return cls(
            id=event_id,
            type=event_type,
            source=values.get("ce_source", "unknown"),
            subject=values.get("ce_subject"),
            time=time,
            causation_id=causation_id,
            causation_type=values.get("ce_causationtype"),
            traceparent=values.get("traceparent") or values.get("ce_traceparent"),
            tracestate=values.get("tracestate") or values.get("ce_tracestate"),
        )


def header_dict(headers: Iterable[tuple[str, bytes]] | Sequence[tuple[str, bytes]] | None) -> dict[str, str]:
    """Headers as text (last value wins); undecodable values are replaced, never fatal."""
    return {key: (value or b"").decode("utf-8", "replace") for key, value in (headers or ())}
