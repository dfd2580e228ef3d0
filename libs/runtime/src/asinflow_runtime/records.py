"""The envelope of a consumed record; upstream messages without CloudEvents headers get a derived id."""

from __future__ import annotations

from typing import Any

from asinflow_contracts.envelope import Envelope, EnvelopeError, header_dict
from asinflow_contracts.ids import content_event_id


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
