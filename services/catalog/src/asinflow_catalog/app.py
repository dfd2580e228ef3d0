"""The catalog service (ASIN registry)."""

from __future__ import annotations

from pathlib import Path

from asinflow_contracts import topics
from asinflow_contracts.events import CatalogItemCreated, ListingCreated
from asinflow_runtime.db import migrations_in
from asinflow_runtime.service import ServiceSpec

from asinflow_catalog.adapters.postgres import SCHEMA
from asinflow_catalog.handlers import CONSUMES, SERVICE, CatalogHandler
from asinflow_catalog.routes import routes

SPEC = ServiceSpec(
    name=SERVICE,
    schema=SCHEMA,
    consumes=tuple(CONSUMES),
    make_handler=lambda pool: CatalogHandler(),
    migrations=migrations_in(Path(__file__).parent / "migrations"),
    publishes=((topics.LISTING_CREATED, ListingCreated), (topics.CATALOG_ITEM_CREATED, CatalogItemCreated)),
    description="ASIN registry: attaches each listing to an existing catalog item or mints a new ASIN.",
    routes=routes,
)
