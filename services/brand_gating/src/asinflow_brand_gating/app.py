"""The brand-gating service: the brand registry and who may create new ASINs for a brand (5461)."""

from __future__ import annotations

from pathlib import Path

from asinflow_contracts import topics
from asinflow_contracts.events import ListingBrandCleared, ListingRejected
from asinflow_runtime.db import migrations_in
from asinflow_runtime.service import ServiceSpec

from asinflow_brand_gating.adapters.postgres import SCHEMA
from asinflow_brand_gating.handlers import SERVICE, BrandGatingHandler
from asinflow_brand_gating.models import MODELS
from asinflow_brand_gating.routes import routes

SPEC = ServiceSpec(
    name=SERVICE,
    schema=SCHEMA,
    consumes=tuple(MODELS),
    make_handler=lambda pool: BrandGatingHandler(),
    migrations=migrations_in(Path(__file__).parent / "migrations"),
    publishes=((topics.LISTING_BRAND_CLEARED, ListingBrandCleared), (topics.LISTING_REJECTED, ListingRejected)),
    description="Brand registry and gating: only a brand's owner and the sellers it authorised create new ASINs "
    "for it (5461); GS1 company prefixes (8572); GTIN exemptions; approval requests.",
    routes=routes,
)
