"""The operator and seller operations the CLI has (``asinflow brand register|authorize|revoke|prefix|exempt|unexempt|
request|decide``, ``policy report|reactivate|decide``, ``quota restore``), as the events it publishes: the same event,
topic and key. Pure.

Ids the caller does not give are derived from the request (the same body twice is one request, a retry is safe),
where the CLI draws them at random; a policy report without an id gets a random one, as in the CLI (the same
evidence may be reported twice on purpose). Registry changes (register, authorise, revoke, prefix, exemptions) are a
new event each time, as the CLI's (granting again what was revoked is done on purpose). A body the event's contract
refuses is ``BadRequest`` 422.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import TypeVar

from asinflow_brands import brand_key, exemption_id, registry_message_key
from asinflow_contracts import topics
from asinflow_contracts.events import (
    OPERATOR,
    BrandApprovalDecided,
    BrandApprovalRequested,
    BrandAuthorizationGranted,
    BrandAuthorizationRevoked,
    BrandPrefixRegistered,
    BrandRegistered,
    CreationRightsRestored,
    ExemptionGranted,
    ExemptionRevoked,
    PolicyViolationReported,
    ReactivationDecided,
    ReactivationRequested,
    Scope,
)
from asinflow_contracts.ids import listing_id
from pydantic import BaseModel, ValidationError

from asinflow_listings_api.domain.authorization import Principal, Role
from asinflow_listings_api.domain.proposals import BadRequest, canonical
from asinflow_listings_api.schemas import (
    ApprovalDecisionBody,
    ApprovalRequestBody,
    BrandAuthorizationBody,
    BrandPrefixBody,
    BrandRegistrationBody,
    ExemptionBody,
    PolicyReportBody,
    QuotaRestoreBody,
    ReactivationDecisionBody,
    ReactivationRequestBody,
)

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Operation:
    """One event to publish: its topic, its key (as the CLI keys it), whether its id is random (``unique``: an
    action repeated on purpose) or derived from its content, and the id to cite."""

    topic: str
    key: str
    event: BaseModel
    unique: bool
    cites: str | None


def actor(who: Principal) -> str:
    """Who acts, as events record it where any name may stand: the seller, or the operator's key."""
    return who.seller_id if who.role is Role.SELLER and who.seller_id else f"operator:{who.key_id}"


def registry_actor(who: Principal) -> str:
    """Who acts in a registry event's ``by``: the seller for a seller key (brand gating checks it owns the brand),
    else ``operator``."""
    return who.seller_id if who.role is Role.SELLER and who.seller_id else OPERATOR


def brand_registration(body: BrandRegistrationBody) -> Operation:
    """``asinflow brand register``: an operator's; cites the brand's normalised key."""
    event = _built(BrandRegistered, brand=body.brand, owner_seller_id=body.owner_seller_id, by=OPERATOR)
    key = registry_message_key(body.brand)
    return Operation(topics.BRAND_REGISTERED, key, event, True, brand_key(body.brand) or None)


def authorization_grant(who: Principal, brand: str, body: BrandAuthorizationBody) -> Operation:
    """``asinflow brand authorize``."""
    event = _built(
        BrandAuthorizationGranted, brand=brand, seller_id=body.seller_id, skus=body.skus, by=registry_actor(who)
    )
    return Operation(topics.BRAND_AUTHORIZATION_GRANTED, registry_message_key(brand), event, True, None)


def authorization_revocation(who: Principal, brand: str, seller_id: str, reason: str) -> Operation:
    """``asinflow brand revoke``."""
    event = _built(BrandAuthorizationRevoked, brand=brand, seller_id=seller_id, by=registry_actor(who), reason=reason)
    return Operation(topics.BRAND_AUTHORIZATION_REVOKED, registry_message_key(brand), event, True, None)


def prefix_registration(who: Principal, brand: str, body: BrandPrefixBody) -> Operation:
    """``asinflow brand prefix``; cites the prefix."""
    event = _built(BrandPrefixRegistered, brand=brand, prefix=body.prefix, by=registry_actor(who))
    return Operation(topics.BRAND_PREFIX_REGISTERED, registry_message_key(brand), event, True, body.prefix)


def exemption_grant(brand: str, body: ExemptionBody) -> Operation:
    """``asinflow brand exempt``: the id is derived from what it covers, as the CLI's; cites it."""
    granted = exemption_id(brand, body.sku, body.seller_id)
    event = _built(ExemptionGranted, exemption_id=granted, brand=brand, sku=body.sku, seller_id=body.seller_id)
    return Operation(topics.EXEMPTION_GRANTED, registry_message_key(brand), event, True, granted)


def exemption_revocation(brand: str, exemption: str, reason: str) -> Operation:
    """``asinflow brand unexempt``; cites the exemption."""
    event = _built(ExemptionRevoked, exemption_id=exemption, brand=brand, reason=reason)
    return Operation(topics.EXEMPTION_REVOKED, registry_message_key(brand), event, True, exemption)


def approval_request(seller_id: str, body: ApprovalRequestBody) -> Operation:
    request_id = body.request_id or _derived("AR", seller_id, body)
    event = _built(
        BrandApprovalRequested,
        request_id=request_id,
        brand=body.brand,
        seller_id=seller_id,
        skus=body.skus,
        evidence=body.evidence,
    )
    return Operation(topics.BRAND_APPROVAL_REQUESTED, registry_message_key(body.brand), event, False, request_id)


def approval_decision(who: Principal, brand: str, request_id: str, body: ApprovalDecisionBody) -> Operation:
    """``by`` is the owner's seller id for a seller key (brand gating checks it owns the brand), else ``operator``."""
    by = registry_actor(who)
    event = _built(
        BrandApprovalDecided,
        request_id=request_id,
        brand=brand,
        decision=body.decision,
        by=by,
        skus=body.skus,
        reason=body.reason,
    )
    return Operation(topics.BRAND_APPROVAL_DECIDED, registry_message_key(brand), event, False, request_id)


def policy_report(who: Principal, body: PolicyReportBody) -> Operation:
    if bool(body.asin) == bool(body.seller_id and body.sku):
        raise BadRequest(400, "name either `seller_id` and `sku` (one listing), or `asin` (every listing of it)")
    violation_id = body.violation_id or f"V-{uuid.uuid4().hex[:10].upper()}"
    event = _built(
        PolicyViolationReported,
        violation_id=violation_id,
        kind=body.kind,
        scope=Scope.ASIN if body.asin else Scope.LISTING,
        seller_id=body.seller_id,
        sku=body.sku,
        asin=body.asin,
        enforcement=body.enforcement,
        evidence=body.evidence,
        reporter=body.reporter or actor(who),
        exempt_until=body.exempt_until,
    )
    key = body.asin or str(listing_id(body.seller_id or "", body.sku or ""))
    return Operation(topics.POLICY_VIOLATION_REPORTED, key, event, False, violation_id)


def reactivation_request(seller_id: str, sku: str, body: ReactivationRequestBody) -> Operation:
    request_id = body.request_id or _derived("R", f"{seller_id}\x00{sku}", body)
    event = _built(
        ReactivationRequested,
        request_id=request_id,
        seller_id=seller_id,
        sku=sku,
        violation_ids=body.violation_ids,
        root_cause_fix=body.root_cause_fix,
        evidence=body.evidence,
    )
    return Operation(topics.REACTIVATION_REQUESTED, str(listing_id(seller_id, sku)), event, False, request_id)


def reactivation_decision(
    who: Principal, seller_id: str, sku: str, request_id: str, body: ReactivationDecisionBody
) -> Operation:
    event = _built(
        ReactivationDecided,
        request_id=request_id,
        seller_id=seller_id,
        sku=sku,
        approved=body.approved,
        decided_by=actor(who),
        note=body.note,
    )
    return Operation(topics.REACTIVATION_DECIDED, str(listing_id(seller_id, sku)), event, False, request_id)


def quota_restore(who: Principal, seller_id: str, body: QuotaRestoreBody) -> Operation:
    """A restore is an action repeated on purpose (after the next withdrawal): a new event each time, as the CLI's."""
    event = _built(CreationRightsRestored, seller_id=seller_id, operator=actor(who), reason=body.reason)
    return Operation(topics.SELLER_CREATION_RESTORED, seller_id, event, True, None)


def _derived(prefix: str, scope: str, body: BaseModel) -> str:
    digest = hashlib.sha256(scope.encode() + b"\x00" + canonical(body.model_dump(mode="json"))).hexdigest()
    return f"{prefix}-{digest[:12].upper()}"


def _built(model: type[M], **fields: object) -> M:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        problems = [
            {"attribute": ".".join(str(p) for p in e.get("loc", ())) or "body", "message": str(e.get("msg"))}
            for e in exc.errors()
        ]
        summary = "; ".join(f"{p['attribute']}: {p['message']}" for p in problems)
        raise BadRequest(422, f"the {model.__name__} contract refuses it: {summary}", {"problems": problems}) from None
