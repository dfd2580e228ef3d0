"""The envelope of a consumed record; upstream messages without CloudEvents headers get a derived id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asinflow_contracts.envelope import Envelope, EnvelopeError, header_dict
from asinflow_contracts.ids import content_event_id
from pydantic import BaseModel, ValidationError

from asinflow_runtime.messages import Incoming, Unreadable


def envelope_of(record: Any) -> Envelope:
    """The record's CloudEvents envelope; a record with no ``ce_id`` (a plain upstream producer) gets an id
    derived from its topic and content, so the same message sent twice is recognised as a duplicate."""
    headers = header_dict(record.headers)
    if "ce_id" in headers:
        return Envelope.from_headers(record.headers)
    if "ce_type" in headers or "ce_specversion" in headers:
        raise EnvelopeError("CloudEvents headers without ce_id")
    return Envelope(
        id=content_event_id(record.topic, record.value or b""),
        type=record.topic,
        source="upstream",
        subject=record.key.decode("utf-8", "replace") if record.key else None,
    )


def parse_typed(record: Any, models: Mapping[str, type[BaseModel]]) -> Incoming:
    """A record of a topic with a pydantic model: its envelope and validated body, or ``Unreadable``."""
    try:
        envelope = envelope_of(record)
        return Incoming(record, envelope, models[record.topic].model_validate_json(record.value or b""))
    except EnvelopeError as exc:
        raise Unreadable("bad_envelope", str(exc)) from exc
    except ValidationError as exc:
        raise Unreadable("schema_invalid", str(exc)[:2000]) from exc
