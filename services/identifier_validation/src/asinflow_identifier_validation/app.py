"""The identifier-validation service: consumes proposals (and registry exemption events), emits validated/rejected."""

from __future__ import annotations

from pathlib import Path

from asinflow_contracts import topics
from asinflow_contracts.events import ListingRejected, ListingValidated, PolicyViolationReported
from asinflow_runtime.db import migrations_in
from asinflow_runtime.service import ServiceSpec

from asinflow_identifier_validation.adapters.postgres import SCHEMA
from asinflow_identifier_validation.handlers import SERVICE, ValidationHandler
from asinflow_identifier_validation.routes import routes

SPEC = ServiceSpec(
    name=SERVICE,
    schema=SCHEMA,
    consumes=(topics.LISTING_PROPOSED, topics.EXEMPTION_GRANTED, topics.EXEMPTION_REVOKED),
    make_handler=lambda pool: ValidationHandler(),
    migrations=migrations_in(Path(__file__).parent / "migrations"),
    publishes=(
        (topics.LISTING_VALIDATED, ListingValidated),
        (topics.LISTING_REJECTED, ListingRejected),
        (topics.POLICY_VIOLATION_REPORTED, PolicyViolationReported),
    ),
    description="Validates identifiers (GTIN/UPC/EAN/JAN/ISBN), GS1 prefixes, exemptions, variation families and "
    "multipacks of proposals; reports a live parent changed so that it no longer fits its children.",
    tick_interval_s=5.0,
    routes=routes,
)
