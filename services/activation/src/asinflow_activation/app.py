"""The activation service: active / inactive / suppressed, and the events subscribers rely on."""

from __future__ import annotations

from pathlib import Path

from asinflow_contracts import topics
from asinflow_contracts.events import (
    ListingActivated,
    ListingDeactivated,
    ListingDeleted,
    ListingReactivated,
    ListingStatusChanged,
    ListingSuppressed,
)
from asinflow_runtime.db import migrations_in
from asinflow_runtime.service import ServiceSpec

from asinflow_activation.adapters.postgres import SCHEMA
from asinflow_activation.handlers import CONSUMES, SERVICE, ActivationHandler
from asinflow_activation.routes import routes

SPEC = ServiceSpec(
    name=SERVICE,
    schema=SCHEMA,
    consumes=CONSUMES,
    make_handler=lambda pool: ActivationHandler(),
    migrations=migrations_in(Path(__file__).parent / "migrations"),
    publishes=(
        (topics.LISTING_ACTIVATED, ListingActivated),
        (topics.LISTING_DEACTIVATED, ListingDeactivated),
        (topics.LISTING_SUPPRESSED, ListingSuppressed),
        (topics.LISTING_REACTIVATED, ListingReactivated),
        (topics.LISTING_DELETED, ListingDeleted),
        (topics.LISTING_STATUS_CHANGED, ListingStatusChanged),
    ),
    description="Owns listing activation: stock-outs, policy suppressions and approved reactivations.",
    routes=routes,
)
