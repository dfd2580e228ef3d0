"""The brand-gating service's HTTP routes, beside /livez, /readyz and /metrics:

- ``POST /preview``: body = a ``listing.matched`` or ``listing.unmatched`` payload (duplicate matching's
  preview's ``passes_on``; one with ``match_kind`` is an offer) → cleared (clearance, warnings) or rejected
  5461 / 8572 with the issues (``preview.GatingPreview``).
- ``GET /restrictions?seller_id=…&brand=…[&sku=…]``: may this seller create a new ASIN for this brand, why,
  how to ask for approval, and the brand's GS1 prefixes (``preview.Restrictions``).
- ``GET /orphans[?older_than_s=…]``: registry events waiting longer than that (default 600 s) for what they
  need (a brand, a request, an authorisation), with the reason (``asinflow orphans`` lists them too).
"""

from __future__ import annotations

import asyncpg
from asinflow_contracts.base import Id, Name
from asinflow_contracts.codec import Undecodable, decode_json
from asinflow_runtime import http_json
from asinflow_runtime.pipeline import BatchHandler
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from asinflow_brand_gating.adapters import queries
from asinflow_brand_gating.adapters.postgres import PostgresGatingStore, waiting_since
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

    return [
        Route("/preview", http_json.endpoint(post_preview), methods=["POST"]),
        Route("/restrictions", http_json.endpoint(get_restrictions), methods=["GET"]),
        Route("/orphans", http_json.endpoint(get_orphans), methods=["GET"]),
    ]


def _peek(raw: bytes) -> object:
    """The body's JSON value if it can be read (``http_json.parsed`` answers the reason when it cannot)."""
    try:
        return decode_json(raw)
    except Undecodable:
        return None
