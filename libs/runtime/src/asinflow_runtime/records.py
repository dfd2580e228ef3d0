"""A received record checked against its topic's contract (every consumer does it before applying)."""

from __future__ import annotations

from collections.abc import Mapping

from asinflow_contracts.base import BOUNDS_CHECKED
from asinflow_contracts.bounds import might_break_bounds
from pydantic import BaseModel, ValidationError

from asinflow_runtime.intake import Received
from asinflow_runtime.messages import Incoming, Unreadable


def validated(received: Received, model: type[BaseModel]) -> BaseModel:
    """The body as ``model``; raises ``Unreadable`` (``not_json``, ``schema_invalid``) naming the problems.

    The JSON is read once: a body that a cheap scan shows within the bounds (``bounds.might_break_bounds``) goes
    straight from bytes into the model (pydantic's own parser); any other is decoded, walked whole by the
    bounds check, then validated."""
    try:
        if not might_break_bounds(received.raw):
            return model.model_validate_json(received.raw, context={BOUNDS_CHECKED: True})
        return model.model_validate(received.data)
    except ValidationError as exc:
        if exc.errors(include_url=False)[0]["type"] == "json_invalid":
            raise Unreadable("not_json", schema_problems(exc)) from exc
        raise Unreadable("schema_invalid", schema_problems(exc)) from exc


def parse_typed(received: Received, models: Mapping[str, type[BaseModel]]) -> Incoming:
    """A record of a topic with a pydantic model: its envelope and validated body, or ``Unreadable``."""
    return Incoming(received.record, received.envelope, validated(received, models[received.topic]))


def schema_problems(exc: ValidationError, limit: int = 5) -> str:
    """The first ``limit`` problems of a validation error, one line (field: problem; …), without the input."""
    errors = exc.errors(include_url=False, include_input=False)
    parts = [f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in errors[:limit]]
    more = f"; and {len(errors) - limit} more" if len(errors) > limit else ""
    return f"{exc.title}: " + "; ".join(parts) + more
