"""The lifecycle ledger: consumes every listing lifecycle event, keeps state, history and issues."""

from __future__ import annotations

from pathlib import Path

from asinflow_contracts import topics
from asinflow_contracts.events import ListingIssuesChanged, ListingStateChanged
from asinflow_runtime.db import migrations_in
from asinflow_runtime.service import ServiceSpec

from asinflow_lifecycle_ledger.adapters.postgres import SCHEMA
from asinflow_lifecycle_ledger.handlers import SERVICE, LedgerHandler
from asinflow_lifecycle_ledger.routes import routes

SPEC = ServiceSpec(
    name=SERVICE,
    schema=SCHEMA,
    consumes=topics.LISTING_LIFECYCLE_TOPICS,
    make_handler=lambda pool: LedgerHandler(),
    migrations=migrations_in(Path(__file__).parent / "migrations"),
    publishes=(
        (topics.LISTING_STATE_CHANGED, ListingStateChanged),
        (topics.LISTING_ISSUES_CHANGED, ListingIssuesChanged),
    ),
    description="Applies every listing event through the state machine; keeps current state, history and issues; "
    "notifies changes of the issues (listing.issues-changed).",
    tick_interval_s=10.0,
    # The ledger reads every listing topic (52 partitions) and is on no listing's way to active: fewer, larger
    # fetches and batches cost the broker and the ledger far less per event; its read side trails by ≤ 200 ms.
    fetch_max_wait_ms=200,
    fetch_min_bytes=1_048_576,
    routes=routes,
)
