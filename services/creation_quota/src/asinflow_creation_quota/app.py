"""The creation-quota service: weekly creation capacity per seller in Redis (DESIGN §3, §4 "Quotas")."""

from __future__ import annotations

from pathlib import Path

import asyncpg
from asinflow_contracts import topics
from asinflow_contracts.events import ListingQuotaGranted, ListingRejected, ListingThrottled
from asinflow_runtime.cache import create_redis
from asinflow_runtime.db import migrations_in
from asinflow_runtime.service import ServiceSpec
from asinflow_runtime.settings import InfraSettings

from asinflow_creation_quota.adapters.postgres import SCHEMA
from asinflow_creation_quota.adapters.redis_quota import RedisQuotaCounters
from asinflow_creation_quota.config import QuotaSettings
from asinflow_creation_quota.domain.weeks import Clock, SystemClock
from asinflow_creation_quota.handlers import MODELS, SERVICE, QuotaHandler
from asinflow_creation_quota.routes import routes


def spec(
    redis_url: str | None = None, clock: Clock | None = None, settings: QuotaSettings | None = None
) -> ServiceSpec:
    """The service; tests pass their Redis, a clock they control and settings."""
    chosen = settings or QuotaSettings()

    def make_handler(pool: asyncpg.Pool) -> QuotaHandler:
        url = redis_url or InfraSettings().require_complete().redis_url
        assert url
        counters = RedisQuotaCounters(create_redis(url), chosen.grace)
        return QuotaHandler(counters, chosen, clock or SystemClock())

    return ServiceSpec(
        name=SERVICE,
        schema=SCHEMA,
        consumes=tuple(MODELS),
        make_handler=make_handler,
        migrations=migrations_in(Path(__file__).parent / "migrations"),
        publishes=(
            (topics.LISTING_QUOTA_GRANTED, ListingQuotaGranted),
            (topics.LISTING_THROTTLED, ListingThrottled),
            (topics.LISTING_REJECTED, ListingRejected),
        ),
        description="Weekly creation quotas: capacity from sales history, withdrawal of creation rights, "
        "throttled listings released by priority when capacity returns.",
        tick_interval_s=chosen.release_interval_s,
        routes=routes,
    )


SPEC = spec()
