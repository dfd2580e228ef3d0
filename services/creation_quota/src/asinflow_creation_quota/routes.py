"""The creation-quota service's HTTP routes, beside /livez, /readyz and /metrics. "Now" is the service's clock;
limits and the withdrawal rule are the service's own settings (``QuotaSettings``).

- ``POST /preview``: body = ``{"listing": <listing.brand-cleared payload>}`` or ``{"seller_id", "priority"?}``
  → granted now (the unit it would take), throttled until a date, or rejected (creation rights withdrawn, until
  when) (``preview.QuotaPreview``).
- ``GET /sellers/{seller_id}/quota[?at=…]``: the view ``asinflow quota show`` prints: week, limit, used,
  withdrawn, resets_at, tier, the function behind the limit (``QuotaView``).
- ``GET /restrictions?seller_id=…``: whether the seller's new listings would be created now, and if not why and
  until when (``preview.QuotaRestrictions``).
"""

from __future__ import annotations

import asyncpg
from asinflow_contracts.base import Id
from asinflow_runtime import http_json
from asinflow_runtime.pipeline import BatchHandler
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from asinflow_creation_quota.adapters.postgres import PostgresQuotaStore
from asinflow_creation_quota.handlers import QuotaHandler
from asinflow_creation_quota.preview import (
    QuotaPreview,
    QuotaPreviewRequest,
    QuotaRestrictions,
    preview,
    restrictions,
)
from asinflow_creation_quota.seller_state import quota_view


class SellerPath(BaseModel):
    seller_id: Id = Field(description="The seller.")


class ViewQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: AwareDatetime | None = Field(default=None, description="Evaluate at this instant instead of now.")


class RestrictionsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seller_id: Id = Field(description="The seller.")


class QuotaView(BaseModel):
    """A seller's weekly creation quota, as the service computes it (``asinflow quota show``)."""

    seller_id: str = Field(description="The seller.")
    week: str = Field(description="The ISO week (UTC).")
    limit: int = Field(description="Listings the seller may create this week.")
    used: int = Field(description="Units used this week.")
    withdrawn: bool = Field(description="Whether creation rights are withdrawn this week.")
    resets_at: str = Field(description="When the next week's capacity opens (ISO 8601, UTC).")
    throttled: int = Field(description="The seller's listings waiting for capacity.")
    tier: str = Field(description="The sales tier behind the limit.")
    limit_explained: str = Field(description="How the limit follows from the seller's trailing sales.")
    withdrawal: str = Field(description="The withdrawal verdict with its figures.")
    function: list[str] = Field(description="The whole limit function, one line per case.")


def routes(pool: asyncpg.Pool, handler: BatchHandler) -> list[BaseRoute]:
    assert isinstance(handler, QuotaHandler)
    quota = handler
    counters = handler.counters

    async def post_preview(request: Request) -> QuotaPreview:
        asked = await http_json.body(request, QuotaPreviewRequest)
        async with http_json.read_only(pool) as conn:
            return await preview(PostgresQuotaStore(conn), counters, quota.settings, asked, quota.clock.now())

    async def get_quota(request: Request) -> QuotaView:
        seller = http_json.params(request.path_params, SellerPath)
        at = http_json.query(request, ViewQuery).at or quota.clock.now()
        async with http_json.read_only(pool) as conn:
            view = await quota_view(conn, counters, quota.settings, seller.seller_id, at)
        return QuotaView.model_validate(view)

    async def get_restrictions(request: Request) -> QuotaRestrictions:
        asked = http_json.query(request, RestrictionsQuery)
        async with http_json.read_only(pool) as conn:
            return await restrictions(
                PostgresQuotaStore(conn), counters, quota.settings, asked.seller_id, quota.clock.now()
            )

    return [
        Route("/preview", http_json.endpoint(post_preview), methods=["POST"]),
        Route("/sellers/{seller_id}/quota", http_json.endpoint(get_quota), methods=["GET"]),
        Route("/restrictions", http_json.endpoint(get_restrictions), methods=["GET"]),
    ]
