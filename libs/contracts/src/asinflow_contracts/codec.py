"""Reading a JSON body once, with a reason a dead letter can carry when it cannot be read.

orjson reads every well-formed body (UTF-8 only, nesting at most 1024 levels). What it refuses but the
standard library still reads — ``NaN``/``Infinity``, integers beyond a double, lone surrogates — is read by
the latter, so a proposal that names its listing can be *rejected* with the reason (``bounds`` finds the
value) instead of dead-lettered. Only what neither can read is ``Undecodable``.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


class Undecodable(ValueError):
    """The body is not JSON (``reason`` is ``empty_body`` or ``not_json``)."""

    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}")


def decode_json(raw: bytes | bytearray | str | None) -> Any:
    """The JSON value of ``raw``; raises ``Undecodable`` with the reason."""
    if not raw:
        raise Undecodable("empty_body", "the body is empty")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        first = exc
    try:
        return json.loads(raw)
    except RecursionError:
        raise Undecodable("not_json", "nested too deeply to read") from first
    except ValueError:  # includes UnicodeDecodeError and "exceeds the limit for integer string conversion"
        raise Undecodable("not_json", str(first)[:300]) from first


def encode_json(value: Any) -> bytes:
    """Compact JSON of plain values (what ``decode_json`` reads back)."""
    return orjson.dumps(value)
