"""The brand registry as a fold over its events: pure, so that replaying the events rebuilds it.

``Registry`` holds the part of the registry a batch needs (the brands it touches); ``apply`` applies one
registry event to it and says whether it was applied or refused, and why. The adapter loads a slice,
applies the batch's events in order, and saves what changed.

Events of different types travel on different topics, so Kafka keeps no order between them, even for
one brand. Two rules make the registry independent of that:
- an event that needs something not there yet (a brand not registered, a request not received, an
  authorisation or exemption not granted) *waits* (``Outcome.waiting_for``) and is applied when it comes;
- grants and revocations of one authorisation or exemption are ordered by the time they were made
  (``at``, the publisher's ``ce_time``): a change older than the one in force is refused as superseded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from asinflow_brands import brand_key
from asinflow_contracts import topics
from asinflow_contracts.events import (
    OPERATOR,
    BrandApprovalDecided,
    BrandApprovalRequested,
    BrandAuthorizationGranted,
    BrandAuthorizationRevoked,
    BrandPrefixRegistered,
    BrandRegistered,
    ExemptionGranted,
    ExemptionRevoked,
)
from pydantic import BaseModel

from asinflow_brand_gating.domain.evidence import missing_evidence

NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass
class Brand:
    key: str
    display: str
    owner_seller_id: str


@dataclass
class Authorization:
    brand_key: str
    seller_id: str
    skus: tuple[str, ...] | None  # None: every SKU
    active: bool
    source: str  # "grant by …" or "approval request …"
    changed_at: datetime = NEVER

    def covers(self, sku: str) -> bool:
        return self.active and (self.skus is None or sku in self.skus)


@dataclass
class Exemption:
    exemption_id: str
    brand: str
    brand_key: str
    sku: str | None
    seller_id: str | None
    active: bool
    changed_at: datetime = NEVER


@dataclass
class ApprovalRequest:
    request_id: str
    brand_key: str
    seller_id: str
    skus: tuple[str, ...] | None
    evidence: dict[str, Any]
    missing: list[str]
    status: str  # incomplete | pending | approved | rejected
    decided_by: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class Outcome:
    applied: bool
    reason: str = ""
    waiting_for: str | None = None  # "brand:<key>", "request:<id>", "authorization:<key>/<seller>", "exemption:<id>"

    @property
    def waiting(self) -> bool:
        return self.waiting_for is not None


APPLIED = Outcome(True)


@dataclass
class Registry:
    """A slice of the registry; ``changed`` names what ``apply`` touched, for the adapter to save."""

    brands: dict[str, Brand] = field(default_factory=dict)
    authorizations: dict[tuple[str, str], Authorization] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=dict)  # prefix -> brand key
    exemptions: dict[str, Exemption] = field(default_factory=dict)
    requests: dict[str, ApprovalRequest] = field(default_factory=dict)
    changed: set[tuple[str, Any]] = field(default_factory=set)

    def authorization(self, key: str, seller_id: str) -> Authorization | None:
        return self.authorizations.get((key, seller_id))


def registry_key(event: BaseModel) -> str:
    """The normalised brand key an event is about (its message key)."""
    return str(brand_key(str(getattr(event, "brand", ""))))


def apply(registry: Registry, event_type: str, event: BaseModel, at: datetime) -> Outcome:
    """Apply one registry event made at ``at``; a refused or waiting event changes nothing."""
    return _HANDLERS[event_type](registry, event, at)


def waiting_key(kind: str, ident: Any) -> str:
    """What an event waits for, named after the registry entity it needs (``changed`` uses the same kinds)."""
    if kind == "authorization":
        brand, seller = ident
        return f"authorization:{brand}/{seller}"
    return f"{kind}:{ident}"


def unblocked_by(registry: Registry) -> set[str]:
    """What waiting events may now be waiting for: the waiting keys of what ``changed`` names."""
    return {waiting_key(kind, ident) for kind, ident in registry.changed if kind != "prefix"}


def _may_act(brand: Brand, by: str) -> bool:
    return by in (OPERATOR, brand.owner_seller_id)


def _registered(registry: Registry, name: str) -> Brand | None:
    return registry.brands.get(brand_key(name))


def _not_registered(name: str) -> Outcome:
    return Outcome(False, f"brand {name!r} is not in the registry (yet)", waiting_key("brand", brand_key(name)))


def _acting_on(registry: Registry, name: str, by: str) -> Brand | Outcome:
    """The registered brand a change by ``by`` is about, or why it cannot be applied (yet)."""
    brand = _registered(registry, name)
    if brand is None:
        return _not_registered(name)
    if not _may_act(brand, by):
        return Outcome(False, f"{by} is neither the owner of {brand.display!r} nor an operator")
    return brand


def _superseded(what: str, current: datetime) -> Outcome:
    return Outcome(False, f"superseded: {what} was changed later ({current.isoformat()})")


def _register(registry: Registry, event: BaseModel, at: datetime) -> Outcome:
    assert isinstance(event, BrandRegistered)
    key = brand_key(event.brand)
    if not key:
        return Outcome(False, f"brand name {event.brand!r} has nothing left to compare after normalisation")
    if event.by != OPERATOR:
        return Outcome(False, "only an operator registers brands")
    existing = registry.brands.get(key)
    if existing is not None and existing.owner_seller_id != event.owner_seller_id:
        return Outcome(False, f"{event.brand!r} is already registered as {existing.display!r} to another owner")
    if existing is None:
        registry.brands[key] = Brand(key, event.brand, event.owner_seller_id)
        registry.changed.add(("brand", key))
    return APPLIED


def _authorize(registry: Registry, event: BaseModel, at: datetime) -> Outcome:
    assert isinstance(event, BrandAuthorizationGranted)
    brand = _acting_on(registry, event.brand, event.by)
    if isinstance(brand, Outcome):
        return brand
    current = registry.authorization(brand.key, event.seller_id)
    if current is not None and current.changed_at > at:
        return _superseded(f"the authorisation of {event.seller_id}", current.changed_at)
    skus = tuple(event.skus) if event.skus is not None else None
    registry.authorizations[(brand.key, event.seller_id)] = Authorization(
        brand.key, event.seller_id, skus, True, f"granted by {event.by}", at
    )
    registry.changed.add(("authorization", (brand.key, event.seller_id)))
    return APPLIED


def _revoke(registry: Registry, event: BaseModel, at: datetime) -> Outcome:
    assert isinstance(event, BrandAuthorizationRevoked)
    brand = _acting_on(registry, event.brand, event.by)
    if isinstance(brand, Outcome):
        return brand
    found = registry.authorization(brand.key, event.seller_id)
    if found is None:
        return Outcome(
            False,
            f"seller {event.seller_id} is not authorised for {brand.display!r} (yet)",
            waiting_key("authorization", (brand.key, event.seller_id)),
        )
    if found.changed_at > at:
        return _superseded(f"the authorisation of {event.seller_id}", found.changed_at)
    if not found.active:
        return Outcome(False, f"seller {event.seller_id} is not authorised for {brand.display!r}")
    found.active = False
    found.changed_at = at
    found.source = f"revoked by {event.by}" + (f": {event.reason}" if event.reason else "")
    registry.changed.add(("authorization", (brand.key, event.seller_id)))
    return APPLIED


def _prefix(registry: Registry, event: BaseModel, at: datetime) -> Outcome:
    assert isinstance(event, BrandPrefixRegistered)
    brand = _acting_on(registry, event.brand, event.by)
    if isinstance(brand, Outcome):
        return brand
    owner = registry.prefixes.get(event.prefix)
    if owner is not None and owner != brand.key:
        return Outcome(False, f"prefix {event.prefix} is registered to another brand")
    registry.prefixes[event.prefix] = brand.key
    registry.changed.add(("prefix", event.prefix))
    return APPLIED


def _exempt(registry: Registry, event: BaseModel, at: datetime) -> Outcome:
    assert isinstance(event, ExemptionGranted)
    key = brand_key(event.brand)
    if not key:
        return Outcome(False, f"brand name {event.brand!r} has nothing left to compare after normalisation")
    current = registry.exemptions.get(event.exemption_id)
    if current is not None and current.changed_at > at:
        return _superseded(f"exemption {event.exemption_id}", current.changed_at)
    registry.exemptions[event.exemption_id] = Exemption(
        event.exemption_id, event.brand, key, event.sku, event.seller_id, True, at
    )
    registry.changed.add(("exemption", event.exemption_id))
    return APPLIED


def _unexempt(registry: Registry, event: BaseModel, at: datetime) -> Outcome:
    assert isinstance(event, ExemptionRevoked)
    found = registry.exemptions.get(event.exemption_id)
    if found is None:
        return Outcome(
            False, f"exemption {event.exemption_id} is not granted (yet)", waiting_key("exemption", event.exemption_id)
        )
    if found.changed_at > at:
        return _superseded(f"exemption {event.exemption_id}", found.changed_at)
    if not found.active:
        return Outcome(False, f"exemption {event.exemption_id} is not in force")
    found.active = False
    found.changed_at = at
    registry.changed.add(("exemption", event.exemption_id))
    return APPLIED


def _request(registry: Registry, event: BaseModel, at: datetime) -> Outcome:
    assert isinstance(event, BrandApprovalRequested)
    brand = _registered(registry, event.brand)
    if brand is None:
        return _not_registered(event.brand)
    if event.request_id in registry.requests:
        return Outcome(False, f"request {event.request_id} exists already")
    missing = missing_evidence(event.evidence)
    registry.requests[event.request_id] = ApprovalRequest(
        request_id=event.request_id,
        brand_key=brand.key,
        seller_id=event.seller_id,
        skus=tuple(event.skus) if event.skus is not None else None,
        evidence=event.evidence.model_dump(mode="json"),
        missing=missing,
        status="incomplete" if missing else "pending",
    )
    registry.changed.add(("request", event.request_id))
    return APPLIED


def _decide(registry: Registry, event: BaseModel, at: datetime) -> Outcome:
    assert isinstance(event, BrandApprovalDecided)
    request = registry.requests.get(event.request_id)
    brand = _registered(registry, event.brand)
    if request is None:
        return Outcome(False, f"no approval request {event.request_id} (yet)", waiting_key("request", event.request_id))
    if brand is None or request.brand_key != brand.key:
        return Outcome(False, f"approval request {event.request_id} is not for brand {event.brand!r}")
    if not _may_act(brand, event.by):
        return Outcome(False, f"{event.by} is neither the owner of {brand.display!r} nor an operator")
    if request.status == "incomplete":
        return Outcome(False, f"the request is incomplete; missing: {', '.join(request.missing)}")
    if request.status != "pending":
        return Outcome(False, f"the request was already {request.status} by {request.decided_by}")
    request.status = event.decision
    request.decided_by = event.by
    request.reason = event.reason
    registry.changed.add(("request", request.request_id))
    if event.decision == "approved":
        skus = event.skus if event.skus is not None else request.skus
        registry.authorizations[(brand.key, request.seller_id)] = Authorization(
            brand.key,
            request.seller_id,
            tuple(skus) if skus is not None else None,
            True,
            f"approval request {request.request_id}, approved by {event.by}",
            at,
        )
        registry.changed.add(("authorization", (brand.key, request.seller_id)))
    return APPLIED


_HANDLERS: dict[str, Callable[[Registry, BaseModel, datetime], Outcome]] = {
    topics.BRAND_REGISTERED: _register,
    topics.BRAND_AUTHORIZATION_GRANTED: _authorize,
    topics.BRAND_AUTHORIZATION_REVOKED: _revoke,
    topics.BRAND_PREFIX_REGISTERED: _prefix,
    topics.EXEMPTION_GRANTED: _exempt,
    topics.EXEMPTION_REVOKED: _unexempt,
    topics.BRAND_APPROVAL_REQUESTED: _request,
    topics.BRAND_APPROVAL_DECIDED: _decide,
}
