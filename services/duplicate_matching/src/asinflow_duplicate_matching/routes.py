"""The duplicate-matching service's HTTP routes, beside /livez, /readyz and /metrics:

- ``POST /preview``: body = a ``listing.validated`` payload (what identifier validation passes on, e.g. its
  preview's ``passes_on``) → what matching would decide for it now (``preview.MatchingPreview``); 422 naming the
  fields for a body that breaks that contract.
"""

from __future__ import annotations

import asyncpg
from asinflow_contracts.events import ListingValidated
from asinflow_runtime import http_json
from asinflow_runtime.pipeline import BatchHandler
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from asinflow_duplicate_matching.adapters.postgres import PostgresMatchingStore
from asinflow_duplicate_matching.handlers import MatchingHandler
from asinflow_duplicate_matching.preview import MatchingPreview, preview


def routes(pool: asyncpg.Pool, handler: BatchHandler) -> list[BaseRoute]:
    assert isinstance(handler, MatchingHandler)
    matcher = handler

    async def post_preview(request: Request) -> MatchingPreview:
        listing = await http_json.body(request, ListingValidated)
        async with http_json.read_only(pool) as conn:
            return await preview(PostgresMatchingStore(conn), matcher, listing)

    return [Route("/preview", http_json.endpoint(post_preview), methods=["POST"])]
