"""Records of one listing's events as the services publish them (body, key, CloudEvents headers), for the
ledger's handler tests: each caused by the one before, so the ledger can order them whatever the delivery."""

from __future__ import annotations

import dataclasses
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import (
    ListingActivated,
    ListingBrandCleared,
    ListingCreated,
    ListingDeactivated,
    ListingDeleted,
    ListingMatched,
    ListingProposed,
    ListingQuotaGranted,
    ListingReactivated,
    ListingRejected,
    ListingSuppressed,
    ListingThrottled,
    ListingUnmatched,
    ListingValidated,
)
from asinflow_contracts.ids import content_event_id, listing_id
from asinflow_contracts.issues import IssueCode, Severity, issue
from pydantic import BaseModel

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ASIN = "B0LEDGER01"


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


class Version:
    """One proposal of a listing (a version) and the events that follow it, each caused by the one given."""

    def __init__(self, seller_id: str, sku: str, batch_id: str = "feed-1", **fields: Any) -> None:
        self.seller_id, self.sku, self.batch_id = seller_id, sku, batch_id
        self.listing_id = listing_id(seller_id, sku)
        self.data = {
            "seller_id": seller_id,
            "sku": sku,
            "title": f"Widget {sku}",
            "brand": "Ledgerbrand",
            "product_type": "WIDGET",
            "exemption_id": "EX-LEDGER",
            "batch_id": batch_id,
            **fields,
        }
        self.proposed = self._record(
            topics.LISTING_PROPOSED,
            json.dumps(self.data).encode(),
            Envelope(
                id=content_event_id(topics.LISTING_PROPOSED, json.dumps(self.data).encode()),
                type=topics.LISTING_PROPOSED,
                source="/tests",
                subject=str(self.listing_id),
                time=T0,
            ),
        )
        self.proposal_id = self.proposed.event_id
        self.clock = T0

    def then(self, topic: str, cause: Record | None, **fields: Any) -> Record:
        """The event of ``topic`` about this version, caused by ``cause`` (None: by something that is not a
        listing event, e.g. an inventory update)."""
        payload = self._payload(topic, fields)
        self.clock += timedelta(seconds=1)
        if cause is not None:
            subject = str(self.listing_id)
            caused = Envelope.caused_by(cause.event_id, cause.topic, topic, source="/tests", subject=subject)
            envelope = dataclasses.replace(caused, time=self.clock)
        else:
            envelope = Envelope(
                id=uuid.uuid4(),
                type=topic,
                source="/tests",
                subject=str(self.listing_id),
                time=self.clock,
                causation_id=uuid.uuid4(),
                causation_type=topics.INVENTORY_UPDATED,
            )
        return self._record(topic, payload.model_dump_json().encode(), envelope)

    def chain(self, *steps: str) -> list[Record]:
        """The proposal and ``steps`` after it, each caused by the one before."""
        records = [self.proposed]
        for topic in steps:
            records.append(self.then(topic, records[-1]))
        return records

    def _record(self, topic: str, value: bytes, envelope: Envelope) -> Record:
        return Record(topic, value, str(self.listing_id).encode(), envelope.to_headers())

    def _ref(self) -> dict[str, Any]:
        return {
            "listing_id": self.listing_id,
            "seller_id": self.seller_id,
            "sku": self.sku,
            "proposal_id": self.proposal_id,
            "batch_id": self.batch_id,
        }

    def _validated(self) -> dict[str, Any]:
        return {**self._ref(), "exemption_id": "EX-LEDGER", "proposal": ListingProposed.model_validate(self.data)}

    def _payload(self, topic: str, fields: dict[str, Any]) -> BaseModel:
        activation = {"asin": ASIN, "buyable": True, "discoverable": True, "sequence": 1}
        builders: dict[str, Any] = {
            topics.LISTING_VALIDATED: lambda: ListingValidated(**self._validated(), **fields),
            topics.LISTING_MATCHED: lambda: ListingMatched(
                **self._validated(), asin=ASIN, match_kind="GTIN", score=1.0, threshold=0.5, evidence={}, **fields
            ),
            topics.LISTING_UNMATCHED: lambda: ListingUnmatched(**self._validated(), threshold=0.5, **fields),
            topics.LISTING_BRAND_CLEARED: lambda: ListingBrandCleared(
                **self._validated(), clearance="unregistered", **fields
            ),
            topics.LISTING_THROTTLED: lambda: ListingThrottled(
                **self._validated(),
                clearance="unregistered",
                week="2026-W47",
                limit=20,
                used=20,
                capacity_returns_at=T0 + timedelta(days=1),
                issues=[issue(IssueCode.CREATION_LIMIT_REACHED, "limit used up", severity=Severity.WARNING)],
                **fields,
            ),
            topics.LISTING_QUOTA_GRANTED: lambda: ListingQuotaGranted(
                **self._validated(), clearance="unregistered", week="2026-W47", unit=1, limit=20, **fields
            ),
            topics.LISTING_CREATED: lambda: ListingCreated(
                **self._ref(), **{"asin": ASIN, "new_asin": False, **fields}
            ),
            topics.LISTING_ACTIVATED: lambda: ListingActivated(
                **self._ref(), **activation, reason="CREATED_WITH_STOCK", **fields
            ),
            topics.LISTING_DEACTIVATED: lambda: ListingDeactivated(
                **self._ref(), **{**activation, "buyable": False}, reason="OUT_OF_STOCK", **fields
            ),
            topics.LISTING_SUPPRESSED: lambda: ListingSuppressed(
                **self._ref(),
                **{**activation, "buyable": False, "discoverable": False},
                **{
                    "reason": "COUNTERFEIT",
                    "enforcement": "LISTING_SUPPRESSED",
                    "scope": "LISTING",
                    "violation_id": "V-1",
                    "reporter": "brand-owner",
                    **fields,
                },
            ),
            topics.LISTING_REACTIVATED: lambda: ListingReactivated(
                **self._ref(),
                **activation,
                request_id="R-1",
                violation_ids=["V-1"],
                root_cause_fix="genuine stock",
                decided_by="operator",
                **fields,
            ),
            topics.LISTING_DELETED: lambda: ListingDeleted(
                **self._ref(),
                **{**activation, "buyable": False, "discoverable": False},
                **{"requested_by": self.seller_id, "reason": "closing the line", **fields},
            ),
            topics.LISTING_REJECTED: lambda: ListingRejected.of(
                ListingValidated(**self._validated()),
                fields.get("issues") or [issue(IssueCode.IDENTIFIER_INVALID_CHECKSUM, "check digit is wrong")],
            ),
        }
        model: BaseModel = builders[topic]()
        return model
