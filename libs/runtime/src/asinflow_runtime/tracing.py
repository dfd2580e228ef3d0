"""OpenTelemetry tracing of one service: a span per consumed event and per emitted one, the W3C ``traceparent``
carried in the Kafka headers of every emitted event (and kept in the outbox, so a relayed event continues its
trace). One listing is one trace from ``listing.proposed`` to ``listing.activated``:

- a consumed event's span is a child of the ``traceparent`` it carries (an upstream one is kept);
- a proposal published without one gets a trace id derived from its event id, so every service that consumes
  it (identifier validation, the ledger) joins the same trace;
- each emitted event gets a ``publish`` span, child of the span of the event that caused it; its context is
  the event's ``traceparent``.

Spans are exported over OTLP/HTTP when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (the standard variable), to a
given exporter in tests, and not at all otherwise (then spans are not recorded, but contexts still travel).
"""

from __future__ import annotations

import hashlib
import os
import random
import uuid
from collections.abc import Mapping

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from opentelemetry.trace import NonRecordingSpan, Span, SpanContext, SpanKind, TraceFlags

__all__ = ["TRACEPARENT_HEADERS", "Span", "Tracing", "parent_span_context", "trace_id_of", "traceparent_of"]

#: The header names read (W3C Trace Context, and the CloudEvents distributed-tracing extension in binary mode).
TRACEPARENT_HEADERS = ("traceparent", "ce_traceparent")


class Tracing:
    """The tracer of one service instance."""

    def __init__(self, service: str, exporter: SpanExporter | None = None, *, enabled: bool = True) -> None:
        self.service = service
        #: False (``ASINFLOW_INSTRUMENTATION=off``): no spans and no traceparent at all.
        self.enabled = enabled
        resource = Resource.create({"service.name": service, "service.namespace": "asinflow"})
        if exporter is None and os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            self.provider = TracerProvider(resource=resource)
            self.provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
            self.recording = True
        elif exporter is not None:
            self.provider = TracerProvider(resource=resource)
            self.provider.add_span_processor(SimpleSpanProcessor(exporter))
            self.recording = True
        else:
            # Nothing exports: no span is recorded (the SDK's cost is avoided), but every span still gets its
            # ids (``_Propagated``), so traceparent travels on and the trace continues wherever it is recorded.
            self.provider = TracerProvider(resource=resource)
            self.recording = False
        self.tracer = self.provider.get_tracer("asinflow_runtime")

    def consume(self, topic: str, event_id: uuid.UUID, traceparent: str | None, attributes: Mapping[str, str]) -> Span:
        """The span of one consumed event (started now; the caller ends it)."""
        parent = parent_span_context(traceparent, event_id)
        if not self.recording:
            return _Propagated(parent)
        return self.tracer.start_span(
            f"consume {topic}",
            context=trace.set_span_in_context(NonRecordingSpan(parent)),
            kind=SpanKind.CONSUMER,
            attributes={"messaging.system": "kafka", "messaging.destination.name": topic, **attributes},
        )

    def publish(self, topic: str, parent: Span | None, attributes: Mapping[str, str]) -> Span:
        """The span of one emitted event, child of the span of the event that caused it."""
        if not self.recording:
            if isinstance(parent, _Propagated):
                return parent.child()
            return _Propagated(parent.get_span_context() if parent is not None else None)
        context = trace.set_span_in_context(parent) if parent is not None else None
        return self.tracer.start_span(
            f"publish {topic}",
            context=context,
            kind=SpanKind.PRODUCER,
            attributes={"messaging.system": "kafka", "messaging.destination.name": topic, **attributes},
        )

    def shutdown(self) -> None:
        self.provider.shutdown()


class _Propagated(NonRecordingSpan):
    """A span that is not recorded but has its own id under its parent's trace, so contexts keep travelling.
    Its context is built only when asked for (``traceparent_of`` formats it without one)."""

    def __init__(self, parent: SpanContext | None) -> None:
        valid = parent is not None and parent.is_valid
        self.trace_id = parent.trace_id if valid and parent is not None else random.getrandbits(128) or 1
        self.flags = int(parent.trace_flags) if valid and parent is not None else int(_SAMPLED)
        self.span_id = random.getrandbits(64) or 1

    def child(self) -> _Propagated:
        child = _Propagated.__new__(_Propagated)
        child.trace_id, child.flags, child.span_id = self.trace_id, self.flags, random.getrandbits(64) or 1
        return child

    def get_span_context(self) -> SpanContext:
        return SpanContext(self.trace_id, self.span_id, is_remote=False, trace_flags=TraceFlags(self.flags))

    def end(self, end_time: int | None = None) -> None:
        return None


def parent_span_context(traceparent: str | None, event_id: uuid.UUID) -> SpanContext:
    """What a consumed event's span continues: its ``traceparent``, or a parent derived from its event id."""
    context = _from_traceparent(traceparent) if traceparent else None
    if context is None:
        digest = hashlib.sha256(event_id.bytes).digest()
        span_id = int.from_bytes(digest[:8], "big") or 1
        context = SpanContext(event_id.int, span_id, is_remote=True, trace_flags=_SAMPLED)
    return context


_SAMPLED = TraceFlags(TraceFlags.SAMPLED)


def traceparent_of(span: Span) -> str:
    """The W3C ``traceparent`` header value of a span."""
    if isinstance(span, _Propagated):
        return f"00-{span.trace_id:032x}-{span.span_id:016x}-{span.flags:02x}"
    ctx = span.get_span_context()
    return f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{int(ctx.trace_flags):02x}"


def trace_id_of(traceparent: str | None) -> str | None:
    """The trace id (32 hex digits) of a ``traceparent`` value, for logs."""
    context = _from_traceparent(traceparent) if traceparent else None
    return f"{context.trace_id:032x}" if context else None


def _from_traceparent(value: str) -> SpanContext | None:
    parts = value.strip().split("-")
    if len(parts) < 4 or len(parts[0]) != 2 or parts[0] == "ff" or len(parts[1]) != 32 or len(parts[2]) != 16:
        return None
    try:
        trace_id, span_id, flags = int(parts[1], 16), int(parts[2], 16), int(parts[3][:2], 16)
    except ValueError:
        return None
    if trace_id == 0 or span_id == 0:
        return None
    return SpanContext(trace_id, span_id, is_remote=True, trace_flags=TraceFlags(flags & 0x01))
