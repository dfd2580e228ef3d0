"""What no store can keep and no reader should have to survive, checked on the whole body, unknown fields
included: NUL characters (PostgreSQL's text and jsonb refuse them), nesting deeper than ``MAX_JSON_DEPTH``,
integers outside 64 bits and non-finite numbers. One iterative walk, so a deep body cannot exhaust the stack.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel

from asinflow_contracts.limits import MAX_JSON_DEPTH, MAX_JSON_INTEGER

#: Nesting allowed inside a free-form part (a proposal's unknown fields, evidence), which sits at most two levels
#: below the top of a body (an event that carries a proposal).
FREE_FORM_DEPTH = MAX_JSON_DEPTH - 2


def free_form(value: Any) -> Any:
    """A free-form part of a model, checked whole (its after-validator): raises ``ValueError`` naming the problem."""
    if value and (problem := first_problem(value, max_depth=FREE_FORM_DEPTH)) is not None:
        raise ValueError(problem)
    return value


def might_break_bounds(raw: bytes) -> bool:
    """A cheap scan of a JSON body for what pydantic's own parser would let through: an escaped NUL or a lone
    surrogate in a string (``\\u0000``, ``\\uD8xx``…), ``NaN``/``Infinity`` (not JSON).

    False: the body can go straight from bytes into its model, whose known fields are bounded by their own types
    and whose free-form parts (a proposal's unknown fields, matching evidence) are walked by their
    after-validators (unknown fields of other events are dropped). True: the whole body must be walked
    (``first_problem``)."""
    return b"\\u0000" in raw or b"\\ud" in raw or b"\\uD" in raw or b"NaN" in raw or b"Infinity" in raw


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
