"""What the activation service records besides listing statuses: requests, their decisions, resolutions and
refusals (plain values, exchanged with the store)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from asinflow_activation.domain.status import ListingStatus, Violation


@dataclass(frozen=True)
class Request:
    """A reactivation request as decisions need it."""

    request_id: str
    listing_id: uuid.UUID
    violation_ids: list[str]
    root_cause_fix: str
    status: str  # PENDING, APPROVED, REJECTED, REFUSED


@dataclass(frozen=True)
class NewRequest:
    request: Request
    evidence: list[str]


@dataclass(frozen=True)
class RequestDecision:
    request_id: str
    status: str  # APPROVED or REJECTED
    decided_by: str
    note: str | None


@dataclass(frozen=True)
class Resolution:
    """An approved request resolved this violation of this listing."""

    listing_id: uuid.UUID
    violation_id: str
    request_id: str


@dataclass(frozen=True)
class RefusalRecord:
    """An attempt the state machine (or a check) refused: recorded, never emitted."""

    listing_id: uuid.UUID
    event_id: uuid.UUID
    attempted: str
    state: str | None
    reason: str


@dataclass
class Changes:
    """Everything a batch writes, collected while it is decided."""

    statuses: dict[uuid.UUID, ListingStatus] = field(default_factory=dict)
    stock: dict[uuid.UUID, int] = field(default_factory=dict)
    violations: list[tuple[uuid.UUID, Violation]] = field(default_factory=list)
    asin_violations: list[tuple[str, Violation]] = field(default_factory=list)
    resolved: list[Resolution] = field(default_factory=list)
    requests: list[NewRequest] = field(default_factory=list)
    decisions: list[RequestDecision] = field(default_factory=list)
    refusals: list[RefusalRecord] = field(default_factory=list)
