"""Service logs are JSON lines with the service and, for a record, its topic, partition, offset, listing id,
event id and trace id (issue 12); readable lines on a terminal."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

SCRIPT = """
import logging, uuid
from types import SimpleNamespace
from asinflow_runtime import logs
logs.configure("identifier-validation", json_lines={json_lines})
record = SimpleNamespace(topic="asinflow.listing.proposed.v1", partition=2, offset=41)
fields = logs.record_fields(record, listing_id="L-1", event_id=uuid.UUID(int=7),
                            traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
logging.getLogger("asinflow_runtime.pipeline").warning("dead-letter %s", "not_json", extra=fields)
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("x").exception("boom")
"""


def run(json_lines: bool) -> str:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(json_lines=json_lines)], capture_output=True, text=True, check=True
    )
    return done.stderr


def test_a_dead_letter_is_one_json_line_with_the_record_and_trace() -> None:
    first, second = run(json_lines=True).strip().split("\n", 1)
    line = json.loads(first)
    assert line["event"] == "dead-letter not_json" and line["level"] == "warning"
    assert line["service"] == "identifier-validation"
    assert (line["topic"], line["partition"], line["offset"]) == ("asinflow.listing.proposed.v1", 2, 41)
    assert line["listing_id"] == "L-1" and line["event_id"] == "00000000-0000-0000-0000-000000000007"
    assert line["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
    assert "timestamp" in line
    failure = json.loads(second)  # an exception is one JSON line too, with its traceback inside
    assert failure["event"] == "boom" and "ZeroDivisionError" in failure["exception"]


def test_on_a_terminal_the_lines_are_readable_not_json() -> None:
    out = run(json_lines=False)
    assert "dead-letter not_json" in out and "listing_id" in out
    assert not out.lstrip().startswith("{")
