"""The catalog's HTTP routes, beside /livez, /readyz and /metrics:

- ``POST /preview``: body = a ``listing.brand-cleared`` (or ``listing.quota-granted``) payload → the ASIN the
  offer would be attached to, or the new ASIN it would mint (``preview.CatalogPreview``).
- ``GET /items/{asin}``: the catalog item (``asinflow catalog show``): product data, GTINs, variation links,
  offers (``ItemView``); 404 when the catalog has no such item.
- ``GET /restrictions?asin=…``: may offers be attached to this ASIN? ``ASIN_NOT_FOUND`` when the catalog does
  not know it (``CatalogRestrictions``).
"""

from __future__ import annotations

import asyncpg
from asinflow_contracts.base import Asin
from asinflow_contracts.events import ListingBrandCleared
from asinflow_runtime import http_json
from asinflow_runtime.pipeline import BatchHandler
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from asinflow_catalog.adapters.postgres import PostgresCatalogStore, item_view
from asinflow_catalog.preview import CatalogPreview, preview


class AsinPath(BaseModel):
    asin: Asin = Field(description="An ASIN: `B0` + 8 upper-case letters or digits.")


class RestrictionsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    asin: Asin = Field(description="An ASIN: `B0` + 8 upper-case letters or digits.")


class OfferView(BaseModel):
    """An offer (listing version) on the item."""

    seller_id: str = Field(description="The seller.")
    sku: str = Field(description="The SKU.")
    created_the_item: bool = Field(description="This offer's proposal created the item.")
    since: str = Field(description="When it was attached (ISO 8601).")


class ItemView(BaseModel):
    """A catalog item as the catalog knows it."""

    asin: str = Field(description="The ASIN.")
    brand: str = Field(description="Brand.")
    manufacturer: str | None = Field(description="Manufacturer.")
    title: str = Field(description="Title.")
    product_type: str = Field(description="Product type.")
    model_number: str | None = Field(description="Model number.")
    part_number: str | None = Field(description="Part number.")
    gtin14s: list[str] = Field(description="GTIN-14s that identify it (its own and aliases); empty: exempted.")
    parent_asin: str | None = Field(description="Its variation parent.")
    children: list[str] = Field(description="Its variation children.")
    variation_theme: str | None = Field(description="Variation theme of a child.")
    variation_attributes: dict[str, str] = Field(description="Theme values of a child.")
    offers: list[OfferView] = Field(description="The offers on it, oldest first.")
    created_at: str = Field(description="When it was created (ISO 8601).")


class CatalogReason(BaseModel):
    """Why offers cannot be attached to the ASIN."""

    code: str = Field(description="ASIN_NOT_FOUND: the catalog has no item with this ASIN.")
    message: str = Field(description="In words.")


class CatalogRestrictions(BaseModel):
    """May offers be attached to this ASIN, as far as the catalog knows? (Suppressions are activation's.)"""

    asin: str = Field(description="The ASIN asked about.")
    exists: bool = Field(description="Whether the catalog has the item.")
    parent_asin: str | None = Field(default=None, description="Its variation parent, if any.")
    may_attach: bool = Field(description="Whether an offer (a matched listing) could be attached to it.")
    reasons: list[CatalogReason] = Field(description="What stands in the way (empty: nothing).")


def routes(pool: asyncpg.Pool, handler: BatchHandler) -> list[BaseRoute]:
    async def post_preview(request: Request) -> CatalogPreview:
        listing = await http_json.body(request, ListingBrandCleared)
        async with http_json.read_only(pool) as conn:
            return await preview(PostgresCatalogStore(conn), listing)

    async def get_item(request: Request) -> ItemView:
        asin = http_json.params(request.path_params, AsinPath).asin
        async with http_json.read_only(pool) as conn:
            view = await item_view(conn, asin)
        if view is None:
            raise http_json.Problem(404, f"no catalog item {asin}", code="ASIN_NOT_FOUND")
        return ItemView.model_validate(view)

    async def get_restrictions(request: Request) -> CatalogRestrictions:
        asin = http_json.query(request, RestrictionsQuery).asin
        async with http_json.read_only(pool) as conn:
            parents = await PostgresCatalogStore(conn).parent_asins([asin])
        if asin not in parents:
            reason = CatalogReason(code="ASIN_NOT_FOUND", message=f"the catalog has no item {asin}")
            return CatalogRestrictions(asin=asin, exists=False, may_attach=False, reasons=[reason])
        return CatalogRestrictions(asin=asin, exists=True, parent_asin=parents[asin], may_attach=True, reasons=[])

    return [
        Route("/preview", http_json.endpoint(post_preview), methods=["POST"]),
        Route("/items/{asin}", http_json.endpoint(get_item), methods=["GET"]),
        Route("/restrictions", http_json.endpoint(get_restrictions), methods=["GET"]),
    ]
