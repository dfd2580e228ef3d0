"""The OpenAPI document (docs/openapi.json, `make openapi`): FastAPI's, plus the proposal body of
``PUT /listings/{seller}/{sku}``, which is ``ListingProposed``'s own schema minus what the path gives (the body is
read by the contracts' reader, not by FastAPI, so the document names it here)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from asinflow_contracts.events import ListingProposed
from fastapi.openapi.utils import get_openapi

if TYPE_CHECKING:
    from fastapi import FastAPI

PROPOSAL_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A proposal as `listing.proposed` v1 (unknown fields are kept); `seller_id` and `sku` come "
        "from the path (if given, they must agree).",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProposalBody"}}},
    }
}


def document(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        doc = get_openapi(
            title=app.title, version=app.version, summary=app.summary, routes=app.routes, description=app.description
        )
        body = ListingProposed.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        schemas.update(body.pop("$defs", {}))
        body["title"] = "ProposalBody"
        body["required"] = [name for name in body.get("required", []) if name not in ("seller_id", "sku")]
        schemas["ProposalBody"] = body
        app.openapi_schema = doc
    return app.openapi_schema


def text(app: FastAPI) -> str:
    """The document as committed: JSON, keys in FastAPI's order, two-space indents, a final newline."""
    return json.dumps(document(app), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    from asinflow_listings_api.bootstrap import offline_app

    sys.stdout.write(text(offline_app()))


if __name__ == "__main__":
    main()
