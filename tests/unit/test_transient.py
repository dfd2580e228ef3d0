"""Which failures are retried with backoff rather than dead-lettered (DESIGN §3)."""

from __future__ import annotations

import itertools

import asyncpg
import pytest
from aiokafka.errors import KafkaConnectionError
from asinflow_runtime.transient import Backoff, is_transient
from hypothesis import given
from hypothesis import strategies as st
from redis import exceptions as redis_errors

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "exc",
    [
        ConnectionRefusedError(111, "Connection refused"),
        ConnectionResetError(104, "Connection reset by peer"),
        TimeoutError(),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.exceptions.CrashShutdownError("crash"),
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.TooManyConnectionsError("sorry, too many clients already"),
        asyncpg.SerializationError("could not serialize access"),
        asyncpg.DeadlockDetectedError("deadlock detected"),
        redis_errors.ConnectionError("Error 111 connecting to localhost:6379"),
        redis_errors.TimeoutError("Timeout reading from socket"),
        redis_errors.BusyLoadingError("Redis is loading the dataset in memory"),
        KafkaConnectionError("No connection to node"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_unreachable_infrastructure_is_transient(exc: BaseException) -> None:
    assert is_transient(exc)


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("bad value"),
        KeyError("seller_id"),
        TypeError("nope"),
        RuntimeError("bug"),
        asyncpg.UniqueViolationError("duplicate key value violates unique constraint"),
        asyncpg.UndefinedTableError('relation "x" does not exist'),
        asyncpg.exceptions.NotNullViolationError("null value"),
        asyncpg.exceptions.InvalidTextRepresentationError("invalid input syntax for type uuid"),
        redis_errors.ResponseError("WRONGTYPE Operation against a key holding the wrong kind of value"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_deterministic_failures_are_not_transient(exc: BaseException) -> None:
    assert not is_transient(exc)


def test_invalid_query_argument_is_not_transient() -> None:
    from asyncpg.exceptions._base import DataError

    exc = DataError("invalid input for query argument $1: 'abc' (an integer is required (got type str))")
    assert asyncpg.exceptions._base.DataError is DataError
    assert not is_transient(exc)


def test_backoff_doubles_from_the_initial_delay_and_caps() -> None:
    backoff = Backoff(0.2, 5.0)
    delays = [backoff.next_delay() for _ in range(10)]
    assert delays == pytest.approx([0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0, 5.0, 5.0, 5.0])
    assert backoff.attempt == 10


def test_backoff_defaults() -> None:
    backoff = Backoff()
    assert (backoff.initial, backoff.maximum) == (0.2, 5.0)
    assert backoff.next_delay() == pytest.approx(0.2)


def test_backoffs_are_independent() -> None:
    a, b = Backoff(1.0, 8.0), Backoff(1.0, 8.0)
    a.next_delay()
    a.next_delay()
    assert b.next_delay() == pytest.approx(1.0)
    assert a.next_delay() == pytest.approx(4.0)


def test_backoff_stays_at_the_cap_for_a_long_outage() -> None:
    backoff = Backoff(0.2, 5.0)
    for _ in range(2000):  # no OverflowError after many retries
        delay = backoff.next_delay()
    assert delay == pytest.approx(5.0)


@given(initial=st.floats(0.001, 10), factor=st.floats(1, 1000), n=st.integers(1, 60))
def test_backoff_never_shrinks_and_never_exceeds_the_cap(initial: float, factor: float, n: int) -> None:
    maximum = initial * factor
    backoff = Backoff(initial, maximum)
    delays = [backoff.next_delay() for _ in range(n)]
    assert delays[0] == pytest.approx(min(initial, maximum))
    assert all(d <= maximum for d in delays)
    assert all(b >= a for a, b in itertools.pairwise(delays))
    for a, b in itertools.pairwise(delays):
        assert b == pytest.approx(min(maximum, 2 * a))
