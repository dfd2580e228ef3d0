"""The identifier-validation service's HTTP routes, beside /livez, /readyz and /metrics:

- ``POST /preview``: body = a proposal, raw JSON as upstream sends it (``ce-id`` header optional) → what the
  service would decide for it now (``preview.ValidationPreview``); 400/422 with the dead-letter reason for a
  body the pipeline would dead-letter (not JSON, no ``seller_id``/``sku``), 413 over 1 MiB.
"""

from __future__ import annotations

import uuid

import asyncpg
from asinflow_runtime import http_json
from asinflow_runtime.messages import Unreadable
from asinflow_runtime.pipeline import BatchHandler
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from asinflow_identifier_validation.adapters.postgres import PostgresValidationStore
from asinflow_identifier_validation.preview import ValidationPreview, event_id_of, preview


def routes(pool: asyncpg.Pool, handler: BatchHandler) -> list[BaseRoute]:
    async def post_preview(request: Request) -> ValidationPreview:
        raw = await http_json.raw_body(request)
        event_id = event_id_of(raw, _ce_id(request))
        try:
            async with http_json.read_only(pool) as conn:
                return await preview(PostgresValidationStore(conn), raw, event_id)
        except Unreadable as exc:
            status = 422 if exc.reason == "unparseable_proposal" else 400
            message = f"the pipeline would dead-letter this message ({exc.reason}): {exc.detail}"
            raise http_json.Problem(status, message, dead_letter_reason=exc.reason) from None

    return [Route("/preview", http_json.endpoint(post_preview), methods=["POST"])]


def _ce_id(request: Request) -> uuid.UUID | None:
    given = request.headers.get("ce-id")
    if given is None:
        return None
    try:
        return uuid.UUID(given)
    except ValueError:
        raise http_json.Problem(400, f"ce-id {given[:100]!r} is not a UUID") from None
