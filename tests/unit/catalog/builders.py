"""Events as the catalog receives them, built directly (no broker): for the handler and contract tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import ListingDeleted, ListingQuotaGranted
from asinflow_contracts.ids import listing_id
from asinflow_runtime.messages import Incoming

SELLER = "S-CAT-1"
GTIN = "00036000291452"


@dataclass(frozen=True)
class Record:
    """Stands in for the aiokafka record an Incoming carries."""

    topic: str
    value: bytes = b""
    key: bytes | None = None
    partition: int = 0
    offset: int = 0
    headers: tuple[tuple[str, bytes], ...] = ()


def granted(
    sku: str,
    gtin14: str | None = GTIN,
    *,
    proposal_id: uuid.UUID | None = None,
    parent_sku: str | None = None,
    asin: str | None = None,
    alias_gtin14: str | None = None,
    seller: str = SELLER,
) -> ListingQuotaGranted:
    variation: dict[str, Any] | None = None
    if parent_sku is not None:
        variation = {"parent_sku": parent_sku, "theme": "Color", "attributes": {"Color": "Black"}}
    proposal: dict[str, Any] = {
        "seller_id": seller,
        "sku": sku,
        "title": "Acme Wireless Headphones WH-100",
        "brand": "Acme",
        "product_type": "HEADPHONES",
        "identifiers": [{"type": "GTIN", "value": gtin14}] if gtin14 else [],
        "exemption_id": None if gtin14 else "EX-ACME",
        "variation": variation,
        "quantity": 5,
    }
    return ListingQuotaGranted.model_validate(
        {
            "listing_id": listing_id(seller, sku),
            "seller_id": seller,
            "sku": sku,
            "proposal_id": proposal_id or uuid.uuid4(),
            "gtin14": gtin14,
            "identifiers": [{"type": "GTIN", "value": gtin14, "kind": "GTIN-14", "gtin14": gtin14}] if gtin14 else [],
            "exemption_id": None if gtin14 else "EX-ACME",
            "proposal": proposal,
            "asin": asin,
            "match_kind": "GTIN" if asin else None,
            "alias_gtin14": alias_gtin14,
            "clearance": "offer" if asin else "unregistered",
            "week": "2026-W48",
            "unit": 1,
            "limit": 20,
        }
    )


def deleted(listing: ListingQuotaGranted, asin: str) -> ListingDeleted:
    """The deletion of the listing version ``listing`` (activation emits it once the listing was created)."""
    return ListingDeleted(
        listing_id=listing.listing_id,
        seller_id=listing.seller_id,
        sku=listing.sku,
        proposal_id=listing.proposal_id,
        asin=asin,
        buyable=False,
        discoverable=False,
        requested_by=listing.seller_id,
    )


def incoming(body: ListingQuotaGranted | ListingDeleted) -> Incoming:
    topic = topics.LISTING_DELETED if isinstance(body, ListingDeleted) else topics.LISTING_QUOTA_GRANTED
    envelope = Envelope(id=uuid.uuid4(), type=topic, source="/tests")
    return Incoming(Record(topic), envelope, body)
