"""Records of brand-registry and listing events as upstream systems and duplicate matching publish them, for
the brand-gating handler's tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import ListingMatched, ListingProposed, ListingUnmatched
from asinflow_contracts.ids import listing_id
from asinflow_contracts.registry import EVENT_MODELS
from pydantic import BaseModel

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

#: Registry event type of each model.
TOPIC_OF: dict[type[BaseModel], str] = {model: topic for topic, model in EVENT_MODELS.items()}


@dataclass(frozen=True)
class Record:
    """What the handler reads of a consumed record (an aiokafka ConsumerRecord in production)."""

    topic: str
    value: bytes
    key: bytes | None = None
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    partition: int = 0
    offset: int = 0

    @property
    def event_id(self) -> uuid.UUID:
        return uuid.UUID(dict(self.headers)["ce_id"].decode())


class Clock:
    """Publication times, one second apart (grants and revocations are ordered by them)."""

    def __init__(self) -> None:
        self.at = T0

    def tick(self) -> datetime:
        self.at += timedelta(seconds=1)
        return self.at


def record(event: BaseModel, at: datetime, topic: str | None = None, key: str = "") -> Record:
    chosen = topic or TOPIC_OF[type(event)]
    envelope = Envelope(id=uuid.uuid4(), type=chosen, source="/tests", subject=key or None, time=at)
    return Record(chosen, event.model_dump_json().encode(), key.encode(), envelope.to_headers())


def listing(
    seller_id: str,
    sku: str,
    brand: str,
    *,
    asin: str | None = None,
    gtin14: str | None = None,
    **proposal: Any,
) -> ListingMatched | ListingUnmatched:
    """A listing after duplicate matching: an offer on ``asin`` (matched) or a new ASIN (unmatched)."""
    data = {
        "seller_id": seller_id,
        "sku": sku,
        "title": f"{brand} Trail Lantern {sku}",
        "brand": brand,
        "product_type": "LANTERN",
        **({"exemption_id": "EX-GATING"} if gtin14 is None else {"identifiers": [{"type": "GTIN", "value": gtin14}]}),
        **proposal,
    }
    base: dict[str, Any] = {
        "listing_id": listing_id(seller_id, sku),
        "seller_id": seller_id,
        "sku": sku,
        "proposal_id": uuid.uuid4(),
        "gtin14": gtin14,
        "exemption_id": None if gtin14 else "EX-GATING",
        "proposal": ListingProposed.model_validate(data),
    }
    if gtin14:
        base["identifiers"] = [{"type": "GTIN", "value": gtin14, "kind": "GTIN-14", "gtin14": gtin14}]
    if asin is not None:
        return ListingMatched(**base, asin=asin, match_kind="GTIN", score=1.0, threshold=0.5, evidence={})
    return ListingUnmatched(**base, threshold=0.5)


def listing_record(event: ListingMatched | ListingUnmatched, at: datetime) -> Record:
    topic = topics.LISTING_MATCHED if isinstance(event, ListingMatched) else topics.LISTING_UNMATCHED
    return record(event, at, topic, str(event.listing_id))
