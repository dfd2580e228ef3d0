"""Structured logs (structlog over the standard library's logging): JSON lines when the output is not a terminal
(`asinflow run` writes each service's log to a file, compose to the container's output), readable lines when it
is. Every line names the service; lines about one record add topic, partition, offset, listing_id, event_id and
trace_id (passed as ``extra=``, see ``record_fields``)."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import structlog

from asinflow_runtime.tracing import trace_id_of


def configure(service: str, level: str | None = None, json_lines: bool | None = None) -> None:
    """Route every logger (ours, aiokafka's, asyncpg's…) through one structlog formatter on stderr.
    ``ASINFLOW_LOG_FORMAT=json|console`` overrides the terminal detection."""
    chosen = os.environ.get("ASINFLOW_LOG_FORMAT", "")
    if json_lines is None:
        json_lines = chosen == "json" or (chosen != "console" and not sys.stderr.isatty())

    def add_service(logger: Any, method: str, event: dict[str, Any]) -> dict[str, Any]:
        event.setdefault("service", service)
        return event

    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
        add_service,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer() if json_lines else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    final: list[Any] = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if json_lines:
        final.append(structlog.processors.format_exc_info)
    formatter = structlog.stdlib.ProcessorFormatter(foreign_pre_chain=shared, processors=[*final, renderer])
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level or os.environ.get("ASINFLOW_LOG_LEVEL", "INFO"))
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )


def record_fields(
    record: Any, *, listing_id: str | None = None, event_id: Any = None, traceparent: str | None = None
) -> dict[str, Any]:
    """The fields of a log line about one consumed record (``logger.warning(..., extra=record_fields(r))``)."""
    fields: dict[str, Any] = {"topic": record.topic, "partition": record.partition, "offset": record.offset}
    if listing_id is not None:
        fields["listing_id"] = listing_id
    if event_id is not None:
        fields["event_id"] = str(event_id)
    trace_id = trace_id_of(traceparent)
    if trace_id is not None:
        fields["trace_id"] = trace_id
    return fields
