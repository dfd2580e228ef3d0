"""The activation service's HTTP routes, beside /livez, /readyz and /metrics:

- ``POST /preview``: body = a ``listing.created`` payload (the catalog's preview's ``passes_on``) or some of its
  fields (``{"quantity", "asin"?, "seller_id"?, "sku"?}``) → active or inactive (reason), or suppressed by an open
  violation of the listing or its ASIN (``preview.ActivationPreview``).
- ``GET /listings/{listing_id}``: the listing's activation status (state, buyable, discoverable, quantity, open
  violations, reactivation requests, refused attempts) as ``asinflow listing show`` shows it
  (``ActivationView``); 404 when the listing was never created.
"""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
from asinflow_runtime import http_json
from asinflow_runtime.pipeline import BatchHandler
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from asinflow_activation.adapters.postgres import PostgresActivationStore
from asinflow_activation.adapters.postgres import _view as activation_view
from asinflow_activation.handlers import ActivationHandler
from asinflow_activation.preview import ActivationPreview, ActivationPreviewRequest, OpenViolation, preview


class ListingPath(BaseModel):
    listing_id: uuid.UUID = Field(description="UUIDv5 of (seller_id, sku).")


class Refused(BaseModel):
    """An attempt the state machine (or a check) refused: recorded, never emitted."""

    attempted: str = Field(description="The event that was refused.")
    state: str | None = Field(description="The listing's state then.")
    reason: str = Field(description="Why.")
    at: str = Field(description="When (ISO 8601).")


class ActivationView(BaseModel):
    """A created listing as the activation service knows it."""

    state: str = Field(description="active, inactive, suppressed, …")
    asin: str = Field(description="Its ASIN.")
    quantity: int | None = Field(description="Sellable quantity.")
    buyable: bool = Field(description="Buyers can purchase it now.")
    discoverable: bool = Field(description="It shows in search and browse now.")
    status: list[str] | None = Field(
        default=None,
        description="The status set `listing.status-changed` tells subscribers (BUYABLE, DISCOVERABLE, DELETED).",
    )
    open_violations: list[OpenViolation] = Field(description="Violations not resolved yet.")
    requests: list[dict[str, Any]] = Field(description="Reactivation requests, oldest first.")
    refusals: list[Refused] = Field(description="Refused attempts, oldest first.")


def routes(pool: asyncpg.Pool, handler: BatchHandler) -> list[BaseRoute]:
    assert isinstance(handler, ActivationHandler)
    activation = handler

    async def post_preview(request: Request) -> ActivationPreview:
        asked = await http_json.body(request, ActivationPreviewRequest)
        async with http_json.read_only(pool) as conn:
            return await preview(PostgresActivationStore(conn), asked, activation.today())

    async def get_listing(request: Request) -> ActivationView:
        lid = http_json.params(request.path_params, ListingPath).listing_id
        async with http_json.read_only(pool) as conn:
            status = (await PostgresActivationStore(conn).statuses([lid])).get(lid)
            view = await activation_view(conn, status, activation.today())
        if view is None:
            raise http_json.Problem(404, f"activation knows no created listing {lid}")
        return ActivationView.model_validate(view)

    return [
        Route("/preview", http_json.endpoint(post_preview), methods=["POST"]),
        Route("/listings/{listing_id}", http_json.endpoint(get_listing), methods=["GET"]),
    ]
