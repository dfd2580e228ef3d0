"""Session fixtures: one real stack per test session (embedded by default)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from asinflow_runtime.db import create_pool
from asinflow_runtime.kafka import new_producer
from asinflow_runtime.settings import InfraSettings

from tests.support.infra import test_stack


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The slow fault journeys (marker ``faults``) run only when asked for: ``make test-faults`` (-m faults)."""
    if "faults" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="slow fault journey: run it with `make test-faults` (-m faults)")
    for item in items:
        if item.get_closest_marker("faults"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def infra() -> Iterator[InfraSettings]:
    with test_stack() as settings:
        yield settings


@pytest.fixture(scope="session")
async def pool(infra: InfraSettings) -> AsyncIterator[asyncpg.Pool]:
    assert infra.database_url
    p = await create_pool(infra.database_url, max_size=4)
    yield p
    await p.close()


@pytest.fixture(scope="session")
async def producer(infra: InfraSettings) -> AsyncIterator[AIOKafkaProducer]:
    assert infra.kafka_bootstrap_servers
    p = new_producer(infra.kafka_bootstrap_servers)
    await p.start()
    yield p
    await p.stop()
