"""Stand-ins for what the listings API talks to (owners, the broker, brand gating's requests, dead letters), for
unit tests and the property-based run of its OpenAPI document: no network, no database. ``SchemaOwners`` answers
each owner route with a body of the shape the owner's own route gives, so the API's answers can be held to its
document."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from asinflow_contracts import topics
from asinflow_listings_api.adapters.owners import OwnerAnswer
from asinflow_listings_api.app import Publisher
from asinflow_listings_api.domain.authorization import Principal, Role
from asinflow_runtime.dead_letters import Letter
from asinflow_runtime.deadletter import H_ERROR, H_OFFSET, H_PARTITION, H_REASON, H_SERVICE, H_TOPIC
from asinflow_runtime.upstream import Proposal
from pydantic import BaseModel

KEYS = {"afk_s1": Principal("key_s1", Role.SELLER, "S-1"), "afk_op": Principal("key_op", Role.OPERATOR)}


async def find_key(token: str) -> Principal | None:
    return KEYS.get(token)


class Recorder(Publisher):
    """The broker: what was published, in order (proposals, and (topic, key, event, unique) for the rest)."""

    def __init__(self) -> None:
        self.sent: list[Any] = []

    async def propose(self, proposal: Proposal) -> None:
        self.sent.append(proposal)

    async def send(self, topic: str, key: str, event: BaseModel, *, unique: bool = False) -> uuid.UUID:
        self.sent.append((topic, key, event, unique))
        return uuid.uuid4()


def _listing(seller: str, sku: str) -> dict[str, Any]:
    return {
        "listing_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{seller}/{sku}")),
        "seller_id": seller,
        "sku": sku,
        "version": 1,
        "state": "active",
        "asin": "B000000001",
        "issues": [],
        "history": [],
    }


class SchemaOwners:
    """Every owner answers 200 as its route would, about whatever it is asked (the brand's owner is whoever asks
    about it, so the owner-only routes are reached too); ``calls`` records each call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    async def call(self, method: str, service: str, path: str, **kwargs: Any) -> OwnerAnswer:
        self.calls.append((method, service, path))
        params: dict[str, str] = kwargs.get("params") or {}
        parts = [unquote(p) for p in path.split("/")[1:]]
        if path == "/preview":
            return OwnerAnswer(200, {"outcome": "rejected", "code": "X", "issues": [], "passes_on": None})
        if service == "lifecycle-ledger" and parts[0] == "listings" and len(parts) == 3:
            return OwnerAnswer(200, _listing(parts[1], parts[2]))
        if service == "lifecycle-ledger" and path == "/listings":
            return OwnerAnswer(200, {"items": [], "next_cursor": None})
        if service == "lifecycle-ledger" and parts[0] == "feeds":
            items = [{"seller_id": "S-1", "sku": "K", "state": "active", "asin": None, "issues": []}]
            return OwnerAnswer(200, {"batch_id": parts[1], "lines": 1, "items": items})
        if service == "activation":
            return OwnerAnswer(200, {"state": "active", "buyable": True, "discoverable": True, "requests": []})
        if service == "creation-quota" and parts[0] == "sellers":
            return OwnerAnswer(200, {"seller_id": parts[1], "week": "2026-W10", "limit": 10, "used": 0})
        if path == "/restrictions":
            owner = params.get("seller_id")
            return OwnerAnswer(
                200,
                {"may_create": True, "may_attach": True, "reasons": [], "registered": True, "owner_seller_id": owner},
            )
        return OwnerAnswer(404, {"error": f"{service} has no route {path}"})


class FakeApprovalRequests:
    def __init__(self, rows: Sequence[dict[str, Any]] = ()) -> None:
        self.rows = list(rows)
        self.asked: list[dict[str, Any]] = []

    async def find(
        self, *, brand_key: str | None, seller_id: str | None, status: str | None, after: str | None, limit: int
    ) -> list[dict[str, Any]]:
        self.asked.append({"brand_key": brand_key, "seller_id": seller_id, "status": status, "after": after})
        rows = [
            r
            for r in sorted(self.rows, key=lambda r: str(r["request_id"]))
            if brand_key in (None, r["brand_key"])
            and seller_id in (None, r["seller_id"])
            and status in (None, r["status"])
            and (after is None or r["request_id"] > after)
        ]
        return rows[:limit]


def request_row(request_id: str, seller_id: str, brand: str = "Acme", status: str = "pending") -> dict[str, Any]:
    return {
        "request_id": request_id,
        "brand": brand,
        "brand_key": brand.lower(),
        "seller_id": seller_id,
        "skus": None,
        "status": status,
        "missing": [],
        "decided_by": None,
        "reason": "",
    }


def letter(offset: int, reason: str = "SCHEMA_INVALID", topic: str = topics.LISTING_PROPOSED) -> Letter:
    headers = {
        H_REASON: reason,
        H_ERROR: "not a proposal",
        H_SERVICE: "identifier-validation",
        H_TOPIC: topic,
        H_PARTITION: "0",
        H_OFFSET: str(offset),
    }
    return Letter(f"{topic}.dlq", 0, offset, b"k", b"{nope", [(k, v.encode()) for k, v in headers.items()])


class FakeDeadLetters:
    def __init__(self, letters: Sequence[Letter] = ()) -> None:
        self.kept = list(letters)
        self.replayed: list[Letter] = []

    async def letters(self) -> list[Letter]:
        return list(self.kept)

    async def replay(self, letters: Sequence[Letter]) -> list[str]:
        self.replayed.extend(letters)
        return []
