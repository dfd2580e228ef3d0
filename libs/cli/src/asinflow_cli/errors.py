"""Input errors as one line a user can act on (``Cli.invoke`` turns them into messages, never tracebacks)."""

from __future__ import annotations

from pydantic import ValidationError


def validation_message(exc: ValidationError, limit: int = 5) -> str:
    """``field: problem; other: problem`` for a pydantic error (at most ``limit`` of them)."""
    problems = []
    for err in exc.errors(include_url=False)[:limit]:
        where = ".".join(str(part) for part in err["loc"]) or "(input)"
        problems.append(f"{where}: {err['msg']}")
    more = len(exc.errors()) - limit
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")
