"""Input errors as one line a user can act on (``Cli.invoke`` turns them into messages, never tracebacks)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


def validation_message(exc: ValidationError, limit: int = 5) -> str:
    """``field: problem; other: problem`` for a pydantic error (at most ``limit`` of them)."""
    problems = []
    for err in exc.errors(include_url=False)[:limit]:
        where = ".".join(str(part) for part in err["loc"]) or "(input)"
        problems.append(f"{where}: {err['msg']}")
    more = len(exc.errors()) - limit
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")


def user_message(exc: Exception) -> str | None:
    """The one line for an error the user can act on; None for anything else (a bug: let it show).

    The exception classes of pydantic, the Kafka client, the runtime and publishing are imported here only once
    their module is loaded: an exception of a module no one imported cannot have been raised, and importing them
    up front would cost every command (``asinflow id check`` too) the start-up of the libraries it does not use.
    """
    if "asinflow_runtime.settings" in sys.modules:
        from asinflow_runtime.settings import NotConfigured

        if isinstance(exc, NotConfigured):
            return str(exc)
    if "asinflow_cli.publishing" in sys.modules:
        from asinflow_cli.publishing import NotApplied

        if isinstance(exc, NotApplied):
            return str(exc)
    if "asinflow_runtime.owners" in sys.modules:
        from asinflow_runtime.owners import OwnerUnavailable

        if isinstance(exc, OwnerUnavailable):
            return f"cannot ask the {exc.service} service: {exc.detail}; is `asinflow run` still running?"
    if "asinflow_cli.client" in sys.modules:
        from asinflow_cli.client import Refused

        if isinstance(exc, Refused):
            return str(exc)
    if "pydantic_core" in sys.modules:
        from pydantic_core import ValidationError

        if isinstance(exc, ValidationError):  # an event built from the arguments breaks its contract
            return f"invalid input: {validation_message(exc)}"
    if isinstance(exc, UnicodeDecodeError):  # commands name the file and line; this is the last resort
        return f"not UTF-8 text: {exc.reason} at byte {exc.start}"
    if isinstance(exc, (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError)):
        return f"{exc.filename}: {exc.strerror}"
    if isinstance(exc, OSError) or _kafka_connection_error(exc):
        return f"cannot reach the stack ({exc}); is `asinflow run` still running, are the URLs right?"
    return None


def _kafka_connection_error(exc: Exception) -> bool:
    if "aiokafka.errors" not in sys.modules:
        return False
    from aiokafka.errors import KafkaConnectionError

    return isinstance(exc, KafkaConnectionError)
