"""Which failures are transient (retry with backoff, never dead-letter) — DESIGN §3."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError, NodeNotReadyError, RequestTimedOutError
from redis import exceptions as redis_errors

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # includes ConnectionError, ConnectionRefusedError
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,  # the connection was closed or is unusable (client side)
    asyncpg.CannotConnectNowError,
    asyncpg.exceptions.OperatorInterventionError,  # admin shutdown, crash shutdown
    asyncpg.TooManyConnectionsError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
    redis_errors.BusyLoadingError,
    KafkaConnectionError,
    KafkaTimeoutError,
    NodeNotReadyError,
    RequestTimedOutError,
)


#: asyncpg errors raised by the client for a bad argument or configuration: retrying cannot help.
PERMANENT_CLIENT_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.exceptions._base.DataError,  # "invalid input for query argument"; a subclass of InterfaceError
    asyncpg.exceptions._base.ClientConfigurationError,
    asyncpg.exceptions._base.UnsupportedClientFeatureError,
    asyncpg.exceptions._base.UnsupportedServerFeatureError,
)


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, PERMANENT_CLIENT_ERRORS):
        return False
    return isinstance(exc, TRANSIENT_ERRORS)


class Backoff:
    """Exponential backoff delays: initial, doubled each time, capped."""

    def __init__(self, initial: float = 0.2, maximum: float = 5.0) -> None:
        self.initial = initial
        self.maximum = maximum
        self.attempt = 0

    def next_delay(self) -> float:
        exponent = min(self.attempt, 60)  # bounded: no OverflowError however long the outage lasts
        delay = min(self.maximum, self.initial * 2.0**exponent)
        self.attempt += 1
        return delay


_log = logging.getLogger(__name__)
T = TypeVar("T")


async def until_reachable(what: str, connect: Callable[[], Awaitable[T]]) -> T:
    """Wait (with backoff) until a dependency answers; a process starting before its database is normal. A fault
    that is not transient is raised at once."""
    backoff = Backoff(0.2, 5.0)
    while True:
        try:
            return await connect()
        except Exception as exc:
            if not is_transient(exc):
                raise
            delay = backoff.next_delay()
            _log.warning("%s not reachable yet (%s); retrying in %.1fs", what, exc, delay)
            await asyncio.sleep(delay)
