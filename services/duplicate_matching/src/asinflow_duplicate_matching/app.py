"""The duplicate-matching service."""

from __future__ import annotations

from pathlib import Path

from asinflow_contracts import topics
from asinflow_contracts.events import ListingMatched, ListingRejected, ListingUnmatched
from asinflow_runtime.db import migrations_in
from asinflow_runtime.service import ServiceSpec

from asinflow_duplicate_matching.adapters.postgres import SCHEMA
from asinflow_duplicate_matching.handlers import MODELS, SERVICE, MatchingHandler
from asinflow_duplicate_matching.routes import routes


def _handler(pool: object) -> MatchingHandler:
    from asinflow_duplicate_matching.domain.matcher import Matcher

    return MatchingHandler(Matcher.default())


SPEC = ServiceSpec(
    name=SERVICE,
    schema=SCHEMA,
    consumes=tuple(MODELS),
    make_handler=_handler,
    migrations=migrations_in(Path(__file__).parent / "migrations"),
    publishes=(
        (topics.LISTING_MATCHED, ListingMatched),
        (topics.LISTING_UNMATCHED, ListingUnmatched),
        (topics.LISTING_REJECTED, ListingRejected),
    ),
    description="Finds the catalog item a validated proposal describes: GTIN, then brand + model/part number, "
    "then title and attributes (blocking + a fitted scorer), with evidence; reports conflicts.",
    # The blocking statement runs once per batch and its best plan depends on the catalog's size: planned for
    # each run, never a generic plan cached while the catalog was small (a sequential scan ever after).
    pg_settings={"plan_cache_mode": "force_custom_plan"},
    routes=routes,
)
