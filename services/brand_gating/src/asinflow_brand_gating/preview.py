"""Brand gating without its effects: the gate for one matched/unmatched listing, and the restrictions a seller
meets before creating an ASIN for a brand.

Both read the registry slice the handler would read (through the store port), gather the facts with the
handler's own code (brands registered meanwhile included, for near misses) and ask the pure gate
(``domain.gate.gate``). Nothing is saved (no decision, no history) and nothing is emitted.
"""

from __future__ import annotations

import uuid
from typing import Literal

from asinflow_brands import brand_key
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import (
    ListingBrandCleared,
    ListingMatched,
    ListingRejected,
    ListingUnmatched,
    ListingValidated,
)
from asinflow_contracts.issues import Issue, IssueCode
from asinflow_runtime.messages import Incoming
from pydantic import BaseModel, Field

from asinflow_brand_gating import handlers
from asinflow_brand_gating.domain.changes import Needs
from asinflow_brand_gating.domain.evidence import REQUIRED_EVIDENCE
from asinflow_brand_gating.domain.gate import Facts, Verdict, gate
from asinflow_brand_gating.domain.registry import Registry
from asinflow_brand_gating.handlers import SOURCE, BrandGatingHandler
from asinflow_brand_gating.store import GatingStore

#: How a seller files an approval request (the event, and the command that publishes it).
HOW_TO_REQUEST = (
    "Publish brand.approval.requested (asinflow brand request BRAND SELLER --evidence FILE.json) with the "
    "evidence listed; the brand owner or an operator decides it (brand.approval.decided)."
)


class GatingPreview(BaseModel):
    """What brand gating would decide for this listing now. Nothing is recorded or emitted."""

    outcome: Literal["cleared", "rejected"] = Field(description="Passed on to the creation quota, or rejected.")
    listing_id: uuid.UUID = Field(description="The listing.")
    seller_id: str = Field(description="The seller.")
    sku: str = Field(description="The SKU.")
    proposal_id: uuid.UUID = Field(description="The proposal (listing version).")
    clearance: Literal["offer", "owner", "authorized", "unregistered"] | None = Field(
        default=None,
        description="Why it may pass: an offer on an existing ASIN, the brand owner, an authorised seller, or a "
        "brand not in the registry.",
    )
    code: IssueCode | None = Field(
        default=None, description="Rejected: BRAND_NOT_AUTHORIZED (5461) or GTIN_BRAND_MISMATCH (8572)."
    )
    issues: list[Issue] = Field(
        default_factory=list,
        description="Rejected: the issues `listing.rejected` would carry (5461's remedy lists the evidence an "
        "approval request needs). Cleared: the warnings passed on (e.g. BRAND_NEAR_MISS).",
    )
    evidence_required: list[str] = Field(
        default_factory=list, description="5461: the evidence an approval request must carry."
    )
    passes_on: ListingBrandCleared | None = Field(
        default=None,
        description="The `listing.brand-cleared` payload it would emit: the `listing` of the creation quota's "
        "POST /preview.",
    )
    rejection: ListingRejected | None = Field(default=None, description="The `listing.rejected` payload, if any.")


class Reason(BaseModel):
    """One reason in a restrictions answer."""

    code: str = Field(
        description="BRAND_OWNER, AUTHORIZED, BRAND_NOT_IN_REGISTRY (open to anyone), APPROVAL_REQUIRED (5461), "
        "or BRAND_NEAR_MISS (a warning: created, flagged for review)."
    )
    amazon_code: int | None = Field(default=None, description="The reference catalog's code (5461).")
    message: str = Field(description="What applies, in words a seller understands.")
    remedy: str = Field(default="", description="What the seller does next.")
    evidence: list[str] = Field(default_factory=list, description="APPROVAL_REQUIRED: what a request must carry.")
    how_to_request: str | None = Field(default=None, description="APPROVAL_REQUIRED: how to file the request.")


class Authorisation(BaseModel):
    """The seller's authorisation for the brand, as the registry holds it."""

    active: bool = Field(description="False once revoked.")
    skus: list[str] | None = Field(description="Only these SKUs; null: every SKU.")
    source: str = Field(description="Who granted it: a grant by the owner or an operator, or an approval request.")


class ApprovalRequestState(BaseModel):
    """One of the seller's approval requests for the brand."""

    request_id: str = Field(description="The request.")
    status: str = Field(description="incomplete, pending, approved or rejected.")
    skus: list[str] | None = Field(description="The SKUs asked for; null: every SKU.")
    missing: list[str] = Field(description="Evidence still missing.")
    reason: str = Field(description="The decision's reason, if decided.")


class Restrictions(BaseModel):
    """May this seller create a new ASIN for this brand? (Offers on existing ASINs are not restricted by the
    registry, but any GTIN must not carry another brand's GS1 company prefix: 8572.)"""

    seller_id: str = Field(description="The seller asked about.")
    brand: str = Field(description="The brand as asked.")
    brand_key: str = Field(description="Its normalised key (names with the same key are the same brand).")
    sku: str | None = Field(default=None, description="The SKU asked about (authorisations may name SKUs).")
    registered: bool = Field(description="Whether the brand is in the registry.")
    display: str | None = Field(default=None, description="The registered brand's name.")
    owner_seller_id: str | None = Field(default=None, description="The brand owner.")
    may_create: bool = Field(description="Whether a new ASIN for this brand by this seller would pass brand gating.")
    reasons: list[Reason] = Field(description="Why.")
    authorization: Authorisation | None = Field(default=None, description="The seller's authorisation, if any.")
    approval_requests: list[ApprovalRequestState] = Field(
        default_factory=list, description="The seller's approval requests for the brand."
    )
    gtin_prefixes: list[str] = Field(
        default_factory=list,
        description="GS1 company prefixes licensed to the brand (for information: a GTIN carrying one passes only "
        "under this brand).",
    )


def listing_model(data: object) -> type[ListingMatched] | type[ListingUnmatched]:
    """Which event a gating body is: an offer (``listing.matched`` names its ASIN and how it matched) or a new
    product (``listing.unmatched``)."""
    if isinstance(data, dict) and data.get("match_kind") is not None:
        return ListingMatched
    return ListingUnmatched


async def preview(store: GatingStore, handler: BrandGatingHandler, listing: ListingValidated) -> GatingPreview:
    envelope = Envelope.caused_by(
        listing.proposal_id, topics.LISTING_VALIDATED, _topic(listing), source=SOURCE, subject=str(listing.listing_id)
    )
    item = Incoming(None, envelope, listing)
    # load and decide, as the handler does for a batch of one
    registry = await _registry(store, handler, handlers._listing_needs([item]))
    verdict = gate(handler._facts(listing, registry))
    payload = handlers._event(item, listing, verdict).payload
    found = GatingPreview(
        outcome="rejected",
        listing_id=listing.listing_id,
        seller_id=listing.seller_id,
        sku=listing.sku,
        proposal_id=listing.proposal_id,
        clearance=verdict.clearance,
    )
    if isinstance(payload, ListingRejected):
        found.code, found.issues, found.rejection = payload.code, payload.issues, payload
        if payload.code == IssueCode.BRAND_NOT_AUTHORIZED:
            found.evidence_required = list(REQUIRED_EVIDENCE)
    elif isinstance(payload, ListingBrandCleared):
        found.outcome, found.issues, found.passes_on = "cleared", payload.warnings, payload
    return found


async def restrictions(
    store: GatingStore, handler: BrandGatingHandler, seller_id: str, brand: str, sku: str | None
) -> tuple[Restrictions, Registry]:
    """The gate for a new ASIN of ``brand`` by ``seller_id`` (for ``sku``, if given), explained. The caller adds
    what only the adapter's queries read (prefixes, requests)."""
    key = brand_key(brand)
    registry = await _registry(store, handler, Needs(frozenset({key})))
    facts = Facts(
        seller_id=seller_id,
        sku=sku or "",
        brand_name=brand,
        new_asin=True,
        brand=registry.brands.get(key),
        authorization=registry.authorization(key, seller_id),
        near_miss=handler._closest(brand) if key not in registry.brands else None,
    )
    verdict = gate(facts)
    found = Restrictions(
        seller_id=seller_id,
        brand=brand,
        brand_key=key,
        sku=sku,
        registered=facts.brand is not None,
        display=facts.brand.display if facts.brand else None,
        owner_seller_id=facts.brand.owner_seller_id if facts.brand else None,
        may_create=not verdict.rejected,
        reasons=_reasons(facts, verdict),
    )
    if facts.authorization is not None:
        a = facts.authorization
        found.authorization = Authorisation(
            active=a.active, skus=list(a.skus) if a.skus is not None else None, source=a.source
        )
    return found, registry


async def _registry(store: GatingStore, handler: BrandGatingHandler, needs: Needs) -> Registry:
    """The registry slice, and the handler's list of registered brands brought up to date (for near misses) as
    its next batch would bring it."""
    registry = await store.load(needs)
    handler._remember(await store.brands_since(handler._seen_seq), registry)
    return registry


def _topic(listing: ListingValidated) -> str:
    return topics.LISTING_MATCHED if isinstance(listing, ListingMatched) else topics.LISTING_UNMATCHED


def _reasons(facts: Facts, verdict: Verdict) -> list[Reason]:
    brand = facts.brand
    if verdict.clearance == "owner" and brand is not None:
        return [Reason(code="BRAND_OWNER", message=f"You own brand {brand.display!r}: you may create its products.")]
    if verdict.clearance == "authorized" and brand is not None:
        return [
            Reason(
                code="AUTHORIZED",
                message=f"The owner of brand {brand.display!r} authorised you ({_scope(facts)}).",
            )
        ]
    reasons: list[Reason] = []
    for issue in verdict.issues:
        if issue.code == IssueCode.BRAND_NOT_AUTHORIZED:
            reasons.append(
                Reason(
                    code="APPROVAL_REQUIRED",
                    amazon_code=issue.amazon_code,
                    message=issue.message,
                    remedy=issue.remedy,
                    evidence=list(REQUIRED_EVIDENCE),
                    how_to_request=HOW_TO_REQUEST,
                )
            )
        else:
            reasons.append(Reason(code=issue.code.value, message=issue.message, remedy=issue.remedy))
    if verdict.clearance == "unregistered":
        message = f"Brand {facts.brand_name!r} is not in the brand registry: anyone may create its products."
        reasons.insert(0, Reason(code="BRAND_NOT_IN_REGISTRY", message=message))
    return reasons


def _scope(facts: Facts) -> str:
    skus = facts.authorization.skus if facts.authorization else None
    return "every SKU" if skus is None else f"SKUs {', '.join(skus)}"
