"""The services under test run in-process against the session's real broker and database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from asinflow_activation.app import SPEC as ACTIVATION
from asinflow_catalog.app import SPEC as CATALOG
from asinflow_duplicate_matching.app import SPEC as MATCHING
from asinflow_identifier_validation.app import SPEC as VALIDATION
from asinflow_lifecycle_ledger.app import SPEC as LEDGER
from asinflow_runtime.service import ServiceRuntime
from asinflow_runtime.settings import ConsumerSettings, InfraSettings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
async def services(infra: InfraSettings) -> AsyncIterator[dict[str, ServiceRuntime]]:
    runtimes = {
        spec.name: ServiceRuntime(spec, infra, ConsumerSettings(fetch_max_wait_ms=50))
        for spec in (LEDGER, VALIDATION, MATCHING, CATALOG, ACTIVATION)
    }
    await asyncio.gather(*(rt.start() for rt in runtimes.values()))
    yield runtimes
    await asyncio.gather(*(rt.stop() for rt in runtimes.values()))
