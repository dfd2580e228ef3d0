"""The duplicate-matching service."""

from __future__ import annotations

from pathlib import Path

from asinflow_contracts import topics
from asinflow_contracts.events import ListingMatched, ListingRejected, ListingUnmatched
from asinflow_runtime.db import migrations_in
from asinflow_runtime.service import ServiceSpec

from asinflow_duplicate_matching.adapters.postgres import SCHEMA
from asinflow_duplicate_matching.handlers import MODELS, SERVICE, MatchingHandler


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
)
