"""Real infrastructure for the tests: the embedded stack by default, testcontainers on request."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from asinflow_runtime.embedded import EmbeddedStack
from asinflow_runtime.settings import InfraSettings


@contextlib.contextmanager
def containers() -> Iterator[InfraSettings]:
    """Apache Kafka, PostgreSQL and Redis in containers (needs a Docker engine)."""
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer
    from testcontainers.redis import RedisContainer

    with (
        KafkaContainer("apache/kafka:3.9.1").with_kraft() as kafka,
        PostgresContainer("postgres:17", driver=None) as postgres,
        RedisContainer("redis:7") as redis,
    ):
        redis_host = redis.get_container_host_ip()
        yield InfraSettings(
            kafka_bootstrap_servers=kafka.get_bootstrap_server(),
            database_url=postgres.get_connection_url(),
            redis_url=f"redis://{redis_host}:{redis.get_exposed_port(6379)}/0",
        )


@contextlib.contextmanager
def test_stack() -> Iterator[InfraSettings]:
    """One stack per test session: ``ASINFLOW_TEST_INFRA=containers`` for testcontainers; otherwise the
    embedded servers, except those whose URL is set in the environment."""
    if os.environ.get("ASINFLOW_TEST_INFRA") == "containers":
        with containers() as settings:
            yield settings
        return
    with EmbeddedStack() as settings:
        yield settings
