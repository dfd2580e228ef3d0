"""The activation service's HTTP routes, beside /livez, /readyz and /metrics:

- ``POST /preview``: body = a ``listing.created`` payload (the catalog's preview's ``passes_on``) or some of its
  fields (``{"quantity", "asin"?, "seller_id"?, "sku"?}``) → active or inactive (reason), or suppressed by an open
  violation of the listing or its ASIN (``preview.ActivationPreview``).
- ``GET /listings/{listing_id}``: the listing's activation status (state, buyable, discoverable, quantity, open
  violations, reactivation requests, refused attempts) as ``asinflow listing show`` shows it
  (``ActivationView``); 404 when the listing was never created.
- ``GET /reactivation-requests/{request_id}``: a reactivation request, its listing and status, and when it was
  refused why (``asinflow policy reactivate`` and ``policy decide``); 404 when there is no such request.
- ``GET /refusals/{event_id}``: the refusal of one event (``asinflow listing delete`` asks whether its deletion
  request was refused); 404 when that event was not refused.
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

from asinflow_activation.adapters.postgres import SCHEMA, PostgresActivationStore
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


class ListingViolation(OpenViolation):
    """A violation open on the listing or its ASIN, with who reported it."""

    reporter: str = Field(description="Who reported it.")


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
    open_violations: list[ListingViolation] = Field(description="Violations not resolved yet.")
    requests: list[dict[str, Any]] = Field(description="Reactivation requests, oldest first.")
    refusals: list[Refused] = Field(description="Refused attempts, oldest first.")


class RequestPath(BaseModel):
    request_id: str = Field(min_length=1, max_length=200, description="The reactivation request.")


class EventPath(BaseModel):
    event_id: uuid.UUID = Field(description="The event.")


class ReactivationRequest(BaseModel):
    """A reactivation request and where it stands."""

    request_id: str = Field(description="The request.")
    listing_id: str = Field(description="Its listing.")
    seller_id: str | None = Field(description="The listing's seller (null: the listing was never created).")
    sku: str | None = Field(description="The listing's SKU (null: the listing was never created).")
    status: str = Field(description="PENDING, APPROVED, REJECTED or REFUSED.")
    reason: str | None = Field(description="When REFUSED: why (the listing's latest refusal).")


class Refusal(Refused):
    """One event activation refused."""

    event_id: str = Field(description="The refused event.")
    listing_id: str = Field(description="Its listing.")


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

    async def get_request(request: Request) -> ReactivationRequest:
        request_id = http_json.params(request.path_params, RequestPath).request_id
        async with http_json.read_only(pool) as conn:
            row = await conn.fetchrow(
                f"""SELECT r.request_id, r.listing_id, l.seller_id, l.sku, r.status,
                          (SELECT reason FROM {SCHEMA}.refusals f WHERE f.listing_id = r.listing_id
                            ORDER BY seq DESC LIMIT 1) AS reason
                     FROM {SCHEMA}.requests r LEFT JOIN {SCHEMA}.listings l USING (listing_id)
                    WHERE r.request_id = $1""",
                request_id,
            )
        if row is None:
            raise http_json.Problem(404, f"no reactivation request {request_id}")
        return ReactivationRequest.model_validate(
            {
                **dict(row),
                "listing_id": str(row["listing_id"]),
                "reason": row["reason"] if row["status"] == "REFUSED" else None,
            }
        )

    async def get_refusal(request: Request) -> Refusal:
        event_id = http_json.params(request.path_params, EventPath).event_id
        async with http_json.read_only(pool) as conn:
            row = await conn.fetchrow(
                f"""SELECT event_id, listing_id, attempted, state, reason, at FROM {SCHEMA}.refusals
                    WHERE event_id = $1 ORDER BY seq DESC LIMIT 1""",
                event_id,
            )
        if row is None:
            raise http_json.Problem(404, f"activation refused no event {event_id}")
        return Refusal.model_validate(
            {
                **dict(row),
                "event_id": str(row["event_id"]),
                "listing_id": str(row["listing_id"]),
                "at": row["at"].isoformat(),
            }
        )

    return [
        Route("/preview", http_json.endpoint(post_preview), methods=["POST"]),
        Route("/listings/{listing_id}", http_json.endpoint(get_listing), methods=["GET"]),
        Route("/reactivation-requests/{request_id:path}", http_json.endpoint(get_request), methods=["GET"]),
        Route("/refusals/{event_id}", http_json.endpoint(get_refusal), methods=["GET"]),
    ]
