"""Brand gating of one listing (DESIGN §4 "Brand gating", issue 5 §2, §3, §5). Pure.

- A GTIN whose GS1 company prefix is registered to another brand is rejected GTIN_BRAND_MISMATCH (8572),
  whether the listing is an offer or would create an ASIN.
- An offer on an existing ASIN passes the 5461 rule.
- A new ASIN for a registered brand passes for its owner and the sellers it authorised (for the SKU);
  anyone else is rejected BRAND_NOT_AUTHORIZED (5461) with the evidence an approval request needs.
- A brand not in the registry is open to anyone; when its key is one or two edits from a registered
  brand's, the listing passes with a BRAND_NEAR_MISS warning, flagged for review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from asinflow_contracts.issues import Issue, IssueCode, Severity, issue

from asinflow_brand_gating.domain.evidence import evidence_remedy
from asinflow_brand_gating.domain.registry import Authorization, Brand

Clearance = Literal["offer", "owner", "authorized", "unregistered"]


@dataclass(frozen=True)
class Facts:
    """What the registry says about one listing."""

    seller_id: str
    sku: str
    brand_name: str
    new_asin: bool  # listing.unmatched: it would create an ASIN
    brand: Brand | None  # the registered brand its name normalises to
    authorization: Authorization | None
    gtin14: str | None = None
    prefix_owner: tuple[str, Brand] | None = None  # (prefix, brand) owning the GTIN
    near_miss: tuple[Brand, int] | None = None  # closest registered brand and its edit distance


@dataclass(frozen=True)
class Verdict:
    clearance: Clearance | None  # None: rejected
    issues: list[Issue] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return self.clearance is None


def gate(facts: Facts) -> Verdict:
    if facts.prefix_owner is not None:
        prefix, owner = facts.prefix_owner
        if facts.brand is None or facts.brand.key != owner.key:
            return Verdict(None, [_prefix_mismatch(facts, prefix, owner)])
    if not facts.new_asin:
        return Verdict("offer")
    brand = facts.brand
    if brand is None:
        return Verdict("unregistered", [_near_miss(facts, *facts.near_miss)] if facts.near_miss else [])
    if facts.seller_id == brand.owner_seller_id:
        return Verdict("owner")
    if facts.authorization is not None and facts.authorization.covers(facts.sku):
        return Verdict("authorized")
    return Verdict(None, [_not_authorized(facts, brand)])


def _prefix_mismatch(facts: Facts, prefix: str, owner: Brand) -> Issue:
    return issue(
        IssueCode.GTIN_BRAND_MISMATCH,
        f"GTIN {facts.gtin14} carries GS1 company prefix {prefix}, which is registered to brand "
        f"{owner.display!r}, not {facts.brand_name!r}.",
        attribute="identifiers",
        remedy=f"Use the GTIN printed on your product. If this is a {owner.display} product, propose it under "
        f"brand {owner.display!r} (creating it needs that brand owner's authorisation).",
    )


def _not_authorized(facts: Facts, brand: Brand) -> Issue:
    scope = ""
    if facts.authorization is not None and facts.authorization.active:
        scope = f" (your authorisation covers SKUs {', '.join(facts.authorization.skus or ())} only)"
    return issue(
        IssueCode.BRAND_NOT_AUTHORIZED,
        f"Brand {brand.display!r} is in the brand registry and you are not authorised to create new "
        f"products for it{scope}.",
        attribute="brand",
        remedy=evidence_remedy(brand.display, brand.owner_seller_id),
    )


def _near_miss(facts: Facts, brand: Brand, distance: int) -> Issue:
    return issue(
        IssueCode.BRAND_NEAR_MISS,
        f"Brand {facts.brand_name!r} is not in the registry but is {distance} edit(s) from registered brand "
        f"{brand.display!r}; the listing is flagged for review.",
        attribute="brand",
        remedy=f"If this is a {brand.display} product, propose it under that brand name; otherwise no action.",
        severity=Severity.WARNING,
    )
