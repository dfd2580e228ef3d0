"""The services under test run in-process against the session's real broker and database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from asinflow_activation.app import SPEC as ACTIVATION
from asinflow_brand_gating.app import SPEC as BRAND_GATING
from asinflow_catalog.app import SPEC as CATALOG
from asinflow_cli.registry_file import read_registry
from asinflow_creation_quota.app import spec as quota_spec
from asinflow_creation_quota.config import QuotaSettings
from asinflow_creation_quota.domain.weeks import FixedClock
from asinflow_creation_quota.domain.withdrawal import WithdrawalRule
from asinflow_duplicate_matching.app import SPEC as MATCHING
from asinflow_identifier_validation.app import SPEC as VALIDATION
from asinflow_lifecycle_ledger.app import SPEC as LEDGER
from asinflow_listings_api.bootstrap import ApiRuntime
from asinflow_runtime.service import ServiceRuntime
from asinflow_runtime.settings import ConsumerSettings, InfraSettings
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.support.brands import EXAMPLE_REGISTRY, registry_event

pytestmark = pytest.mark.integration

#: The creation-quota service's clock: frozen at the session's start, moved forward by the quota tests
#: (each test has sellers of its own, so a later week changes nothing for the others).
QUOTA_CLOCK = FixedClock(datetime.now(UTC))
#: Default capacity (new sellers: 20 a week); a withdrawal rule that a test can trip within one week of
#: listings (25 created, sell-through under 0.2) instead of the default four weeks and 100 listings.
QUOTA_SETTINGS = QuotaSettings(
    release_interval_s=0.2, withdrawal=WithdrawalRule(weeks=1, min_listings=25, min_sell_through=Decimal("0.2"))
)


@pytest.fixture(scope="session")
def spans() -> InMemorySpanExporter:
    """Every span the in-process services record (tests of tracing read it)."""
    return InMemorySpanExporter()


@pytest.fixture(scope="session")
async def services(
    infra: InfraSettings, producer: AIOKafkaProducer, pool: asyncpg.Pool, spans: InMemorySpanExporter
) -> AsyncIterator[dict[str, ServiceRuntime]]:
    runtimes = {
        spec.name: ServiceRuntime(
            spec, infra, ConsumerSettings(fetch_max_wait_ms=50, fetch_min_bytes=1), span_exporter=spans
        )
        for spec in (
            LEDGER,
            VALIDATION,
            MATCHING,
            BRAND_GATING,
            quota_spec(infra.redis_url, QUOTA_CLOCK, QUOTA_SETTINGS),
            CATALOG,
            ACTIVATION,
        )
    }
    await asyncio.gather(*(rt.start() for rt in runtimes.values()))
    for line in read_registry(EXAMPLE_REGISTRY):  # the examples' brands and exemption, as `make run` has them
        applied, reason = await registry_event(producer, pool, line.topic, line.event)
        assert applied, reason
    yield runtimes
    await asyncio.gather(*(rt.stop() for rt in runtimes.values()))


@pytest.fixture(scope="session")
async def api(infra: InfraSettings, services: dict[str, ServiceRuntime]) -> AsyncIterator[ApiRuntime]:
    """The listings API in front of the services (it finds them by their heartbeats)."""
    runtime = ApiRuntime(infra)
    await runtime.start()
    yield runtime
    await runtime.stop()
