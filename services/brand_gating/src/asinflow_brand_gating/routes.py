"""The brand-gating service's HTTP routes, beside /livez, /readyz and /metrics:

- ``POST /preview``: body = a ``listing.matched`` or ``listing.unmatched`` payload (duplicate matching's
  preview's ``passes_on``; one with ``match_kind`` is an offer) → cleared (clearance, warnings) or rejected
  5461 / 8572 with the issues (``preview.GatingPreview``).
- ``GET /restrictions?seller_id=…&brand=…[&sku=…]``: may this seller create a new ASIN for this brand, why,
  how to ask for approval, and the brand's GS1 prefixes (``preview.Restrictions``).
- ``GET /orphans[?older_than_s=…]``: registry events waiting longer than that (default 600 s) for what they
  need (a brand, a request, an authorisation), with the reason (``asinflow orphans`` lists them too).
- ``GET /approval-requests[?brand=…|brand_key=…&seller_id=…&status=…&after=…&limit=…]``: approval requests (of a
  brand, a seller, in a status; paged by request id) with what each one lacks (``asinflow brand requests``, the
  listings API).
- ``GET /brands/{brand}/history``: every registry event about the brand, applied or refused, in order
  (``asinflow brand history``).
- ``GET /registry-events/{event_id}``: whether one registry event was applied, and why not (the ``asinflow brand``
  commands say so after publishing); 404 while the service has not recorded it.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

import asyncpg
from asinflow_brands import brand_key
from asinflow_contracts.base import Id, Name
from asinflow_contracts.codec import Undecodable, decode_json
from asinflow_runtime import http_json
from asinflow_runtime.pipeline import BatchHandler
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from asinflow_brand_gating.adapters import queries
from asinflow_brand_gating.adapters.postgres import SCHEMA, PostgresGatingStore, waiting_since
from asinflow_brand_gating.handlers import BrandGatingHandler
from asinflow_brand_gating.preview import (
    ApprovalRequestState,
    GatingPreview,
    Restrictions,
    listing_model,
    preview,
    restrictions,
)

ORPHAN_AFTER_S = 600.0


class RestrictionsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seller_id: Id = Field(description="The seller who would create the ASIN.")
    brand: Name = Field(description="The brand as the proposal would name it.")
    sku: Id | None = Field(default=None, description="The SKU (authorisations may be limited to SKUs).")


class OrphansQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    older_than_s: float = Field(default=ORPHAN_AFTER_S, ge=0, le=10**9, description="Waiting at least this long.")


class WaitingEvent(BaseModel):
    """A registry event waiting for what it needs."""

    service: str = Field(description="brand-gating.")
    event_id: str = Field(description="The event.")
    event_type: str = Field(description="Its type.")
    brand_key: str = Field(description="The brand it is about.")
    waiting_for: str = Field(description="What it waits for: `brand:<key>`, `request:<id>`, `authorization:…`.")
    since: str = Field(description="When it was recorded (UTC, ISO 8601).")
    reason: str = Field(description="Why it waits.")


class Orphans(BaseModel):
    """Registry events that wait longer than asked."""

    orphans: list[WaitingEvent] = Field(description="Oldest first.")


class RequestsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    brand: Name | None = Field(default=None, description="Only this brand's requests (any spelling).")
    brand_key: Name | None = Field(default=None, description="Only the requests of the brand with this key.")
    seller_id: Id | None = Field(default=None, description="Only this seller's requests.")
    status: Literal["incomplete", "pending", "approved", "rejected"] | None = Field(
        default=None, description="Only requests in this status."
    )
    after: Id | None = Field(default=None, description="Cursor: requests whose id sorts after this one.")
    limit: int | None = Field(default=None, ge=1, le=10_000, description="At most this many (default: all).")


class ApprovalRequest(BaseModel):
    """An approval request and what it lacks."""

    request_id: str = Field(description="The request.")
    brand: str = Field(description="The brand (as registered, else its key).")
    brand_key: str = Field(description="The brand's key.")
    seller_id: str = Field(description="The seller asking.")
    skus: list[str] | None = Field(description="Only these SKUs (null: every SKU).")
    status: str = Field(description="incomplete, pending, approved or rejected.")
    missing: list[str] = Field(description="Evidence the request still lacks.")
    decided_by: str | None = Field(description="Who decided it.")
    reason: str | None = Field(description="The decision's reason.")


class ApprovalRequests(BaseModel):
    requests: list[ApprovalRequest] = Field(description="By request id.")


class BrandPath(BaseModel):
    brand: Name = Field(description="The brand (any spelling: it is normalised to its key).")


class RegistryEvent(BaseModel):
    """One registry event as the service recorded it."""

    event_id: str = Field(description="The event.")
    event_type: str = Field(description="Its type.")
    body: dict[str, Any] = Field(description="Its payload.")
    applied: bool = Field(description="False: refused (it changed nothing).")
    reason: str = Field(description="Why it was refused (empty when applied).")
    recorded_at: str = Field(description="When it was recorded (ISO 8601).")


class BrandHistory(BaseModel):
    brand_key: str = Field(description="The brand's normalised key.")
    events: list[RegistryEvent] = Field(description="In the order they were applied or refused.")


class EventPath(BaseModel):
    event_id: uuid.UUID = Field(description="The registry event.")


class EventOutcome(BaseModel):
    event_id: str = Field(description="The registry event.")
    applied: bool = Field(description="False: refused.")
    reason: str = Field(description="Why it was refused (empty when applied).")


def routes(pool: asyncpg.Pool, handler: BatchHandler) -> list[BaseRoute]:
    assert isinstance(handler, BrandGatingHandler)
    gating = handler

    async def post_preview(request: Request) -> GatingPreview:
        raw = await http_json.raw_body(request)
        listing = http_json.parsed(raw, listing_model(_peek(raw)))
        async with http_json.read_only(pool) as conn:
            return await preview(PostgresGatingStore(conn), gating, listing)

    async def get_restrictions(request: Request) -> Restrictions:
        asked = http_json.query(request, RestrictionsQuery)
        async with http_json.read_only(pool) as conn:
            found, _ = await restrictions(PostgresGatingStore(conn), gating, asked.seller_id, asked.brand, asked.sku)
            if found.registered:
                found.gtin_prefixes = await queries.prefixes_of(conn, found.brand_key)
                requests = await queries.requests_of(conn, found.brand_key, asked.seller_id)
                found.approval_requests = [ApprovalRequestState.model_validate(r) for r in requests]
        return found

    async def get_orphans(request: Request) -> Orphans:
        asked = http_json.query(request, OrphansQuery)
        async with http_json.read_only(pool) as conn:
            rows = await waiting_since(conn, asked.older_than_s)
        orphans = []
        for r in rows:
            need, _, key = str(r["waiting_for"]).partition(":")
            orphans.append(
                WaitingEvent(
                    service="brand-gating",
                    event_id=str(r["event_id"]),
                    event_type=r["event_type"],
                    brand_key=r["brand_key"],
                    waiting_for=r["waiting_for"],
                    since=r["recorded_at"].isoformat(timespec="seconds"),
                    reason=f"waits for {need} {key!r}, which is not in the registry",
                )
            )
        return Orphans(orphans=orphans)

    async def get_requests(request: Request) -> ApprovalRequests:
        asked = http_json.query(request, RequestsQuery)
        async with http_json.read_only(pool) as conn:
            key = brand_key(asked.brand) if asked.brand else asked.brand_key
            rows = await queries.approval_requests(
                conn, key, asked.status, seller_id=asked.seller_id, after=asked.after, limit=asked.limit
            )
        return ApprovalRequests.model_validate({"requests": rows})

    async def get_history(request: Request) -> BrandHistory:
        key = str(brand_key(http_json.params(request.path_params, BrandPath).brand))
        async with http_json.read_only(pool) as conn:
            rows = await queries.history_of(conn, key)
        events = [
            {
                **r,
                "event_id": str(r["event_id"]),
                "reason": r["reason"] or "",
                "recorded_at": r["recorded_at"].isoformat(),
            }
            for r in rows
        ]
        return BrandHistory.model_validate({"brand_key": key, "events": events})

    async def get_outcome(request: Request) -> EventOutcome:
        event_id = http_json.params(request.path_params, EventPath).event_id
        async with http_json.read_only(pool) as conn:
            applied, reason = await queries.outcome_of(conn, event_id)
            recorded = applied or await conn.fetchval(
                f"SELECT true FROM {SCHEMA}.history WHERE event_id = $1", event_id
            )
        if not recorded:
            raise http_json.Problem(404, f"the brand-gating service has not recorded event {event_id}")
        return EventOutcome(event_id=str(event_id), applied=applied, reason="" if applied else reason)

    return [
        Route("/preview", http_json.endpoint(post_preview), methods=["POST"]),
        Route("/restrictions", http_json.endpoint(get_restrictions), methods=["GET"]),
        Route("/orphans", http_json.endpoint(get_orphans), methods=["GET"]),
        Route("/approval-requests", http_json.endpoint(get_requests), methods=["GET"]),
        Route("/brands/{brand:path}/history", http_json.endpoint(get_history), methods=["GET"]),
        Route("/registry-events/{event_id}", http_json.endpoint(get_outcome), methods=["GET"]),
    ]


def _peek(raw: bytes) -> object:
    """The body's JSON value if it can be read (``http_json.parsed`` answers the reason when it cannot)."""
    try:
        return decode_json(raw)
    except Undecodable:
        return None
