"""What no store can keep and no reader should have to survive, checked on the whole body, unknown fields
included: NUL characters (PostgreSQL's text and jsonb refuse them), nesting deeper than ``MAX_JSON_DEPTH``,
integers outside 64 bits and non-finite numbers. One iterative walk, so a deep body cannot exhaust the stack.
"""

from __future__ import annotations

import math
import re
from typing import Any

from pydantic import BaseModel

from asinflow_contracts.limits import MAX_JSON_DEPTH, MAX_JSON_INTEGER

#: What only a body that may break the bounds contains: an escaped NUL or surrogate, a run of 19+ digits (an
#: integer near 64 bits), a three-digit exponent, NaN/Infinity. (Inside strings too: a false alarm only costs
#: the full walk.)
_SUSPECT = re.compile(rb"\\u0000|\\u[dD][89a-fA-F]|[0-9]{19}|[eE][+-]?[0-9]{3}|NaN|Infinity")


def might_break_bounds(raw: bytes, *, max_depth: int = MAX_JSON_DEPTH) -> bool:
    """A cheap scan of a JSON body: False when it certainly satisfies ``first_problem`` (no suspect token, and
    fewer brackets than the depth limit, so it cannot nest deeper), True when the full walk must decide."""
    if raw.count(b"[") + raw.count(b"{") > max_depth:
        return True
    return _SUSPECT.search(raw) is not None


def first_problem(data: Any, *, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """The first value of ``data`` (decoded JSON, or a dict of field values) out of bounds, as
    ``"<path>: <problem>"``; None when every value is within bounds. Validated models inside are trusted."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return f"{path or '(root)'}: NUL characters are not allowed"
            if not value.isascii() and not _encodable(value):
                return f"{path or '(root)'}: not valid Unicode text (a lone surrogate)"
        elif isinstance(value, bool) or value is None or isinstance(value, BaseModel):
            continue
        elif isinstance(value, int):
            if not -MAX_JSON_INTEGER <= value <= MAX_JSON_INTEGER:
                return f"{path or '(root)'}: integer out of range (beyond 64 bits)"
        elif isinstance(value, float):
            if not math.isfinite(value):
                return f"{path or '(root)'}: number is not finite"
        elif isinstance(value, dict):
            if depth >= max_depth:
                return f"{path or '(root)'}: nested deeper than {max_depth} levels"
            for key, item in value.items():
                if isinstance(key, str) and ("\x00" in key or not (key.isascii() or _encodable(key))):
                    return f"{path or '(root)'}: a field name with NUL characters or lone surrogates"
                stack.append((item, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(value, list | tuple):
            if depth >= max_depth:
                return f"{path or '(root)'}: nested deeper than {max_depth} levels"
            stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
