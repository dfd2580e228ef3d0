"""Spans leave over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set (issue 12), and only then."""

from __future__ import annotations

import threading
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest
from asinflow_runtime.tracing import Tracing, traceparent_of

pytestmark = pytest.mark.unit


class Collector(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, str, int]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Collector.received.append((self.path, self.headers["Content-Type"], len(body)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


def test_spans_are_exported_over_otlp_http_when_the_endpoint_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    server = HTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{server.server_port}")
    try:
        tracing = Tracing("identifier-validation")
        assert tracing.recording
        span = tracing.consume("asinflow.listing.proposed.v1", uuid.uuid4(), None, {})
        tracing.publish("asinflow.listing.validated.v1", span, {}).end()
        span.end()
        tracing.provider.force_flush()
        tracing.shutdown()
    finally:
        server.shutdown()
    assert Collector.received and Collector.received[0][0] == "/v1/traces"
    assert Collector.received[0][1] == "application/x-protobuf" and Collector.received[0][2] > 0


def test_without_an_endpoint_nothing_is_recorded_but_contexts_travel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    tracing = Tracing("catalog")
    assert not tracing.recording
    upstream = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    consumed = tracing.consume("t", uuid.uuid4(), upstream, {})
    emitted = traceparent_of(tracing.publish("t2", consumed, {}))
    assert emitted.startswith("00-0af7651916cd43dd8448eb211c80319c-") and emitted.endswith("-01")
    assert emitted != upstream
