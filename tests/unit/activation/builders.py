"""Events as the activation service receives them, built directly (no broker): for the handler and contract
tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import (
    InventoryUpdated,
    ListingCreated,
    ListingDeletionRequested,
    PolicyViolationReported,
    ReactivationDecided,
    ReactivationRequested,
)
from asinflow_contracts.ids import listing_id
from asinflow_runtime.messages import Incoming
from pydantic import BaseModel

TOPICS: dict[type[BaseModel], str] = {
    ListingCreated: topics.LISTING_CREATED,
    InventoryUpdated: topics.INVENTORY_UPDATED,
    PolicyViolationReported: topics.POLICY_VIOLATION_REPORTED,
    ReactivationRequested: topics.REACTIVATION_REQUESTED,
    ReactivationDecided: topics.REACTIVATION_DECIDED,
    ListingDeletionRequested: topics.LISTING_DELETION_REQUESTED,
}


@dataclass(frozen=True)
class Record:
    """Stands in for the aiokafka record an Incoming carries."""

    topic: str
    value: bytes = b""
    key: bytes | None = None
    partition: int = 0
    offset: int = 0
    headers: tuple[tuple[str, bytes], ...] = ()


def incoming(body: BaseModel) -> Incoming:
    topic = TOPICS[type(body)]
    return Incoming(Record(topic), Envelope(id=uuid.uuid4(), type=topic, source="/tests"), body)


def created(
    seller: str, sku: str, asin: str = "B0ASIN0001", quantity: int | None = 5, proposal_id: uuid.UUID | None = None
) -> ListingCreated:
    return ListingCreated(
        listing_id=listing_id(seller, sku),
        seller_id=seller,
        sku=sku,
        proposal_id=proposal_id or uuid.uuid4(),
        asin=asin,
        new_asin=True,
        quantity=quantity,
    )


def stock(seller: str, sku: str, quantity: int) -> InventoryUpdated:
    return InventoryUpdated(seller_id=seller, sku=sku, quantity=quantity)


def violation(
    violation_id: str, seller: str | None = None, sku: str | None = None, *, asin: str | None = None, **fields: Any
) -> PolicyViolationReported:
    return PolicyViolationReported.model_validate(
        {
            "violation_id": violation_id,
            "kind": "COUNTERFEIT",
            "scope": "ASIN" if asin else "LISTING",
            "seller_id": seller,
            "sku": sku,
            "asin": asin,
            "evidence": ["test buy order 114-2291"],
            "reporter": "brand protection",
            **fields,
        }
    )


def request(request_id: str, seller: str, sku: str, *violation_ids: str) -> ReactivationRequested:
    return ReactivationRequested(
        request_id=request_id,
        seller_id=seller,
        sku=sku,
        violation_ids=list(violation_ids),
        root_cause_fix="removed the lot; invoices from the brand",
        evidence=["invoice 2291"],
    )


def decision(request_id: str, seller: str, sku: str, approved: bool = True) -> ReactivationDecided:
    return ReactivationDecided(
        request_id=request_id, seller_id=seller, sku=sku, approved=approved, decided_by="ops@asinflow"
    )


TODAY = date(2026, 11, 24)
