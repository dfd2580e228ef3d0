"""Our own reading of every consumed record, before any service sees it (DESIGN §3, §8).

A record is read in this order, and the first thing that fails names the dead letter's reason:
``too_large`` (the whole record above ``MAX_MESSAGE_BYTES``), ``bad_headers`` (a header we read is not UTF-8
text), ``bad_envelope`` (CloudEvents attributes missing, malformed, or ``ce_type`` not the topic; a content
type other than JSON), ``empty_body`` / ``not_json`` (the body cannot be read as JSON). What is left is a
``Received``: the envelope and the body, for the service's own contract check, which reads the JSON once
(``records.validated``: straight into the model when a cheap scan shows the body within bounds).
"""

from __future__ import annotations

from typing import Any

from asinflow_contracts.codec import Undecodable, decode_json
from asinflow_contracts.envelope import Envelope, EnvelopeError
from asinflow_contracts.ids import content_event_id
from asinflow_contracts.limits import MAX_MESSAGE_BYTES

from asinflow_runtime.messages import Unreadable

#: Headers whose values the runtime reads (strictly, as UTF-8) besides ``ce_*``. Others travel untouched.
_READ = ("content-type", "traceparent", "tracestate")
_JSON_TYPES = ("application/json",)


class Received:
    """A record whose size, headers and envelope could be read; its body is decoded on first use."""

    __slots__ = ("_data", "envelope", "raw", "record", "size")

    def __init__(self, record: Any, envelope: Envelope, size: int) -> None:
        self.record = record
        self.envelope = envelope
        self.size = size
        self.raw: bytes = record.value or b""
        self._data: Any = _UNSET

    @property
    def topic(self) -> str:
        return str(self.record.topic)

    @property
    def data(self) -> Any:
        """The decoded JSON body; raises ``Unreadable`` (``empty_body``, ``not_json``) when it is not JSON."""
        if self._data is _UNSET:
            try:
                self._data = decode_json(self.raw)
            except Undecodable as exc:
                raise Unreadable(exc.reason, exc.detail) from exc
        return self._data


_UNSET = object()


def record_size(record: Any) -> int:
    """Bytes of a record as a producer sends it (key, value, headers)."""
    headers = sum(len(k) + len(v or b"") for k, v in record.headers or ())
    return len(record.value or b"") + len(record.key or b"") + headers


def receive(record: Any) -> Received:
    """Read ``record`` (an aiokafka ConsumerRecord); raises ``Unreadable`` with the reason."""
    size = record_size(record)
    if size > MAX_MESSAGE_BYTES:
        raise Unreadable("too_large", f"the record is {size:,} bytes; at most {MAX_MESSAGE_BYTES:,} are accepted")
    values = read_headers(record.headers)
    content_type = values.get("content-type")
    if content_type is not None and content_type.split(";")[0].strip().lower() not in _JSON_TYPES:
        raise Unreadable("bad_envelope", f"content-type {content_type[:100]!r}: only application/json is read")
    envelope = _envelope(record, values)
    if not record.value:
        raise Unreadable("empty_body", "the body is empty")
    return Received(record, envelope, size)


def read_headers(headers: Any) -> dict[str, str]:
    """The values of the CloudEvents headers (and content-type) as text; the last one of a name wins."""
    values: dict[str, str] = {}
    for key, value in headers or ():
        if key.startswith("ce_") or key in _READ:
            try:
                values[key] = (value or b"").decode("utf-8")
            except UnicodeDecodeError as exc:
                raise Unreadable("bad_headers", f"header {key[:50]!r} is not UTF-8 text ({exc.reason})") from exc
            if "\x00" in values[key]:
                raise Unreadable("bad_headers", f"header {key[:50]!r} contains a NUL character")
    return values


def _envelope(record: Any, values: dict[str, str]) -> Envelope:
    """The record's CloudEvents envelope; a record with no CloudEvents headers at all (a plain upstream producer)
    gets an id derived from its topic and content, so the same message sent twice is recognised as a duplicate."""
    try:
        if "ce_id" in values:
            envelope = Envelope.from_values(values)
        elif any(key.startswith("ce_") and key not in ("ce_traceparent", "ce_tracestate") for key in values):
            raise EnvelopeError("CloudEvents headers without ce_id")
        else:
            subject = record.key.decode("utf-8", "replace")[:200] if record.key else None
            envelope = Envelope(
                id=content_event_id(record.topic, record.value or b""),
                type=record.topic,
                source="upstream",
                subject=subject,
                traceparent=values.get("traceparent") or values.get("ce_traceparent"),
                tracestate=values.get("tracestate"),
            )
    except EnvelopeError as exc:
        raise Unreadable("bad_envelope", str(exc)[:500]) from exc
    if envelope.type != record.topic:
        raise Unreadable("bad_envelope", f"ce_type {envelope.type[:100]!r} does not name this topic")
    return envelope
