"""Events as the identifier-validation service receives them, built directly (no broker): for the handler and
contract tests."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import ExemptionGranted, ExemptionRevoked
from asinflow_contracts.ids import content_event_id, listing_id
from asinflow_contracts.proposal_reading import read_proposal
from asinflow_runtime.messages import Incoming

UPC = "036000291452"  # GTIN-14 00036000291452


@dataclass(frozen=True)
class Record:
    """Stands in for the aiokafka record an Incoming carries."""

    topic: str
    value: bytes = b""
    key: bytes | None = None
    partition: int = 0
    offset: int = 0
    headers: tuple[tuple[str, bytes], ...] = ()


def ean13(body12: str) -> str:
    """Append the GS1 check digit to 12 digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def proposal(seller: str, sku: str, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "seller_id": seller,
        "sku": sku,
        "title": "Acme Wireless Headphones WH-100",
        "brand": "Acme",
        "manufacturer": "Acme Audio Ltd",
        "product_type": "HEADPHONES",
        "model_number": "WH-100",
        "identifiers": [{"type": "UPC", "value": UPC}],
        "batch_id": f"batch-{seller}",
        "quantity": 5,
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def parent(seller: str, sku: str = "HP-PARENT", n: int = 0, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "identifiers": [{"type": "EAN", "value": ean13(f"40{n:010d}")}],
        "variation": {"theme": "Color"},
    }
    return proposal(seller, sku, **{**values, **fields})


def child(seller: str, sku: str, colour: str, n: int, parent_sku: str = "HP-PARENT", **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": f"Acme Wireless Headphones WH-100, {colour}",
        "identifiers": [{"type": "EAN", "value": ean13(f"40{n:010d}")}],
        "variation": {"parent_sku": parent_sku, "theme": "Color", "attributes": {"Color": colour}},
    }
    return proposal(seller, sku, **{**values, **fields})


def proposed(data: dict[str, Any]) -> Incoming:
    """A proposal as an upstream system publishes it (its event id derived from its content)."""
    body = json.dumps(data).encode()
    subject = str(listing_id(data["seller_id"], data["sku"]))
    envelope = Envelope(
        id=content_event_id(topics.LISTING_PROPOSED, body),
        type=topics.LISTING_PROPOSED,
        source="/tests",
        subject=subject,
    )
    return Incoming(Record(topics.LISTING_PROPOSED, body), envelope, read_proposal(body))


def granted(exemption_id: str, brand: str, at: datetime, sku: str | None = None, seller: str | None = None) -> Incoming:
    body = ExemptionGranted(exemption_id=exemption_id, brand=brand, sku=sku, seller_id=seller)
    envelope = Envelope(id=uuid.uuid4(), type=topics.EXEMPTION_GRANTED, source="/tests", time=at)
    return Incoming(Record(topics.EXEMPTION_GRANTED), envelope, body)


def revoked(exemption_id: str, brand: str, at: datetime) -> Incoming:
    body = ExemptionRevoked(exemption_id=exemption_id, brand=brand)
    envelope = Envelope(id=uuid.uuid4(), type=topics.EXEMPTION_REVOKED, source="/tests", time=at)
    return Incoming(Record(topics.EXEMPTION_REVOKED), envelope, body)
