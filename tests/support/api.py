"""The listings API's OpenAPI document walked route by route: every operation, aimed at one seller's data."""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def document() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(OPENAPI.read_text())
    return doc


@dataclass(frozen=True)
class Call:
    method: str
    path: str  #: with the query
    body: dict[str, Any] | None
    template: str = ""  #: the document's path


#: A valid body of each request body schema of the document (by its component name), aimed at no one in
#: particular: the seller, SKU or brand a call is about comes from its path. A new body schema must be added here,
#: or every walk fails: no route is left out of the walks.
BODIES: dict[str, dict[str, Any]] = {
    "ApprovalRequestBody": {"brand": "{brand}", "evidence": {"title": "Headphones", "brand": "{brand}"}},
    "ApprovalDecisionBody": {"decision": "approved", "reason": "the invoices check out"},
    "PolicyReportBody": {
        "kind": "COUNTERFEIT",
        "seller_id": "{seller}",
        "sku": "{sku}",
        "evidence": ["test buy T-1"],
    },
    "ReactivationRequestBody": {"root_cause_fix": "the supplier was replaced, invoices attached"},
    "ReactivationDecisionBody": {"approved": True, "note": "fixed"},
    "QuotaRestoreBody": {"reason": "appeal granted"},
    "ReplayBody": {"all": True},
    "BrandRegistrationBody": {"brand": "{brand}", "owner_seller_id": "{seller}"},
    "BrandAuthorizationBody": {"seller_id": "{seller}", "skus": ["{sku}"]},
    "BrandPrefixBody": {"prefix": "0614141"},
    "ExemptionBody": {"sku": "{sku}", "seller_id": "{seller}"},
}


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    """Every (method, path template, operation) of the document."""
    return [(m, t, op) for t, ops in document()["paths"].items() for m, op in ops.items()]


def body_of(operation: dict[str, Any], values: dict[str, str], proposal: dict[str, Any]) -> dict[str, Any] | None:
    ref = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
    if ref is None:
        return None
    name = ref.rsplit("/", 1)[-1]
    if name == "ProposalBody":
        return proposal
    assert name in BODIES, f"no body for {name} in tests/support/api.py BODIES: the walks would skip the route"
    text = json.dumps(BODIES[name])
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    body: dict[str, Any] = json.loads(text)
    return body


def aimed_at(seller: str, sku: str, batch_id: str, brand: str, proposal: dict[str, Any]) -> list[Call]:
    """Every operation of the document about ``seller``'s data: path parameters filled in, ``seller`` given as a
    query parameter wherever one exists, the other query parameters a route needs to answer at all, a valid body
    (``BODIES``) naming ``seller`` and ``sku`` where a body names a listing."""
    calls = []
    values = {
        "seller": seller,
        "sku": sku,
        "batch_id": batch_id,
        "brand": brand,
        "request_id": "R-1",
        "exemption_id": "EX-1",
    }
    for method, template, operation in operations():
        params = operation.get("parameters", [])
        path = template
        query: dict[str, str] = {}
        for p in params:
            if p["in"] == "path":
                path = path.replace("{" + p["name"] + "}", urllib.parse.quote(values[p["name"]], safe=""))
            elif p["in"] == "query" and p["name"] in ("seller", "brand"):
                query[p["name"]] = values[p["name"]]
        for mode in ("submit", "preview") if method == "put" else (None,):
            q = query | ({"mode": mode} if mode else {})
            full = path + (f"?{urllib.parse.urlencode(q)}" if q else "")
            calls.append(Call(method.upper(), full, body_of(operation, values, proposal), template))
    return calls
