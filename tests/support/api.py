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


def aimed_at(seller: str, sku: str, batch_id: str, brand: str, proposal: dict[str, Any]) -> list[Call]:
    """Every operation of the document about ``seller``'s data: path parameters filled in, ``seller`` given as a
    query parameter wherever one exists, the other query parameters a route needs to answer at all."""
    calls = []
    values = {"seller": seller, "sku": sku, "batch_id": batch_id, "brand": brand}
    for template, operations in document()["paths"].items():
        for method, operation in operations.items():
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
                calls.append(Call(method.upper(), full, proposal if method == "put" else None))
    return calls
