"""The brand registry as a fold over its events, the gate, approval evidence and GS1 prefixes (pure)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from asinflow_brand_gating.domain.evidence import REQUIRED_EVIDENCE, missing_evidence
from asinflow_brand_gating.domain.gate import Facts, gate
from asinflow_brand_gating.domain.prefixes import candidate_prefixes, owning_prefix
from asinflow_brand_gating.domain.registry import Registry, apply, unblocked_by
from asinflow_brand_gating.models import REGISTRY_MODELS
from asinflow_contracts import topics
from asinflow_contracts.events import (
    ApprovalEvidence,
    BrandApprovalDecided,
    BrandApprovalRequested,
    BrandAuthorizationGranted,
    BrandAuthorizationRevoked,
    BrandPrefixRegistered,
    BrandRegistered,
    ExemptionGranted,
    ExemptionRevoked,
)
from asinflow_contracts.issues import IssueCode, Severity
from pydantic import BaseModel

pytestmark = pytest.mark.unit

COMPLETE = {
    "title": "Acme Wireless Headphones WH-100, Black",
    "brand": "Acme",
    "manufacturer": "Acme Audio Ltd",
    "category": "HEADPHONES",
    "description": "Over-ear, 30 h battery",
    "sku": "HP-BLK-01",
    "identifiers": [{"type": "UPC", "value": "036000291452"}],
    "batch_id": "LOT-2026-11",
    "images": [
        {"url": "https://img.example/front.jpg", "view": "front"},
        {"url": "https://img.example/back.jpg", "view": "back"},
        {"url": "https://img.example/barcode.jpg", "view": "barcode"},
    ],
}


def evidence(**changes: Any) -> ApprovalEvidence:
    return ApprovalEvidence.model_validate({**COMPLETE, **changes})


TOPIC_OF: dict[type[BaseModel], str] = {model: topic for topic, model in REGISTRY_MODELS.items()}


T0 = datetime(2026, 11, 24, tzinfo=UTC)


def clock() -> Iterator[datetime]:
    return (T0 + timedelta(seconds=n) for n in range(1_000_000))


CLOCK = clock()


def run(registry: Registry, *events: BaseModel, times: Iterator[datetime] = CLOCK) -> list[tuple[bool, str]]:
    """Apply events made one second apart, in order."""
    return [(o.applied, o.reason) for o in (apply(registry, TOPIC_OF[type(e)], e, next(times)) for e in events)]


def acme() -> Registry:
    registry = Registry()
    assert run(registry, BrandRegistered(brand="Acme Inc.", owner_seller_id="S-OWNER")) == [(True, "")]
    return registry


# --- registry changes ------------------------------------------------------------------------------


def test_a_brand_is_registered_under_its_normalised_key_by_an_operator_only() -> None:
    registry = acme()
    assert registry.brands["acme"].owner_seller_id == "S-OWNER"
    [(applied, reason)] = run(registry, BrandRegistered(brand="ACME", owner_seller_id="S-OTHER"))
    assert not applied and "already registered" in reason
    [(applied, reason)] = run(Registry(), BrandRegistered(brand="Zeta", owner_seller_id="S-1", by="S-1"))
    assert not applied and "operator" in reason
    [(applied, _)] = run(Registry(), BrandRegistered(brand="...", owner_seller_id="S-1"))
    assert not applied


def test_only_the_owner_or_an_operator_authorises_and_revokes() -> None:
    registry = acme()
    results = run(
        registry,
        BrandAuthorizationGranted(brand="acme", seller_id="S-2", by="S-STRANGER"),
        BrandAuthorizationGranted(brand="acme", seller_id="S-2", by="S-OWNER"),
        BrandAuthorizationGranted(brand="Acme", seller_id="S-3", skus=["SKU-1"], by="operator"),
    )
    assert [a for a, _ in results] == [False, True, True]
    assert "neither the owner" in results[0][1]
    assert registry.authorization("acme", "S-2") is not None and registry.authorization("acme", "S-2").covers("X")
    s3 = registry.authorization("acme", "S-3")
    assert s3 is not None and s3.covers("SKU-1") and not s3.covers("SKU-2")
    results = run(
        registry,
        BrandAuthorizationRevoked(brand="ACME", seller_id="S-2", by="S-OWNER"),
        BrandAuthorizationRevoked(brand="ACME", seller_id="S-2", by="S-OWNER"),
    )
    assert results[0] == (True, "") and not results[1][0] and "not authorised" in results[1][1]
    assert not registry.authorizations[("acme", "S-2")].covers("X")


def test_changes_for_a_brand_not_in_the_registry_are_refused() -> None:
    results = run(
        Registry(),
        BrandAuthorizationGranted(brand="Nowhere", seller_id="S-2", by="operator"),
        BrandPrefixRegistered(brand="Nowhere", prefix="4006381", by="operator"),
        BrandApprovalRequested(request_id="R-1", brand="Nowhere", seller_id="S-2", evidence=evidence()),
    )
    assert all(not applied and "not in the registry" in reason for applied, reason in results)


def test_a_prefix_belongs_to_one_brand() -> None:
    registry = acme()
    run(registry, BrandRegistered(brand="Bolt", owner_seller_id="S-BOLT"))
    results = run(
        registry,
        BrandPrefixRegistered(brand="Acme", prefix="0012345", by="S-OWNER"),
        BrandPrefixRegistered(brand="Bolt", prefix="0012345", by="S-BOLT"),
        BrandPrefixRegistered(brand="Bolt", prefix="0012346", by="S-OWNER"),
    )
    assert [a for a, _ in results] == [True, False, False]
    assert registry.prefixes == {"0012345": "acme"}


def test_exemptions_are_granted_and_revoked() -> None:
    registry = Registry()
    results = run(
        registry,
        ExemptionGranted(exemption_id="EX-1", brand="Hearth & Loom"),
        ExemptionRevoked(exemption_id="EX-1", brand="Hearth & Loom"),
        ExemptionRevoked(exemption_id="EX-1", brand="Hearth & Loom"),
    )
    assert [a for a, _ in results] == [True, True, False]
    assert not registry.exemptions["EX-1"].active


def test_an_incomplete_request_lists_what_is_missing_and_cannot_be_approved() -> None:
    registry = acme()
    thin = evidence(batch_id=None, images=[{"url": "https://img.example/front.jpg", "view": "front"}])
    run(registry, BrandApprovalRequested(request_id="R-1", brand="Acme", seller_id="S-2", evidence=thin))
    request = registry.requests["R-1"]
    assert request.status == "incomplete"
    assert request.missing == ["batch ID", "image of the back", "image showing the barcode"]
    [(applied, reason)] = run(
        registry, BrandApprovalDecided(request_id="R-1", brand="Acme", decision="approved", by="operator")
    )
    assert not applied and "batch ID" in reason
    assert registry.authorization("acme", "S-2") is None


def test_an_approval_by_the_owner_authorises_the_seller_for_the_requested_skus() -> None:
    registry = acme()
    request = BrandApprovalRequested(
        request_id="R-2", brand="acme", seller_id="S-2", skus=["HP-BLK-01"], evidence=evidence()
    )
    results = run(
        registry,
        request,
        BrandApprovalDecided(request_id="R-2", brand="Acme", decision="approved", by="S-STRANGER"),
        BrandApprovalDecided(request_id="R-2", brand="Acme", decision="approved", by="S-OWNER"),
        BrandApprovalDecided(request_id="R-2", brand="Acme", decision="rejected", by="operator"),
    )
    assert [a for a, _ in results] == [True, False, True, False]
    assert "already approved" in results[3][1]
    granted = registry.authorization("acme", "S-2")
    assert granted is not None and granted.covers("HP-BLK-01") and not granted.covers("OTHER")
    assert "R-2" in granted.source


def test_a_rejected_request_authorises_nobody() -> None:
    registry = acme()
    run(
        registry,
        BrandApprovalRequested(request_id="R-3", brand="Acme", seller_id="S-2", evidence=evidence()),
        BrandApprovalDecided(request_id="R-3", brand="Acme", decision="rejected", by="S-OWNER", reason="no invoice"),
    )
    assert registry.requests["R-3"].status == "rejected" and registry.requests["R-3"].reason == "no invoice"
    assert registry.authorization("acme", "S-2") is None


def test_replaying_the_same_events_rebuilds_the_same_registry() -> None:
    events: list[BaseModel] = [
        BrandRegistered(brand="Acme", owner_seller_id="S-OWNER"),
        BrandRegistered(brand="ACME Corp", owner_seller_id="S-THIEF"),  # refused: same key, other owner
        BrandAuthorizationGranted(brand="acme", seller_id="S-2", by="S-OWNER"),
        BrandPrefixRegistered(brand="Acme", prefix="0012345", by="S-OWNER"),
        ExemptionGranted(exemption_id="EX-1", brand="Acme", sku="X-1"),
        BrandApprovalRequested(request_id="R-1", brand="Acme", seller_id="S-3", evidence=evidence()),
        BrandApprovalDecided(request_id="R-1", brand="Acme", decision="approved", by="operator"),
        BrandAuthorizationRevoked(brand="Acme", seller_id="S-2", by="operator"),
    ]
    first, second = Registry(), Registry()
    outcomes = run(first, *events, times=clock())
    assert run(second, *events, times=clock()) == outcomes
    assert [a for a, _ in outcomes] == [True, False, True, True, True, True, True, True]
    for registry in (first, second):
        registry.changed.clear()
    assert first == second


def test_events_that_arrive_before_what_they_need_wait_for_it() -> None:
    registry = Registry()
    early = [
        BrandAuthorizationGranted(brand="Acme", seller_id="S-2", by="S-OWNER"),
        BrandPrefixRegistered(brand="Acme", prefix="0012345", by="S-OWNER"),
        BrandApprovalDecided(request_id="R-9", brand="Acme", decision="approved", by="operator"),
        BrandAuthorizationRevoked(brand="Acme", seller_id="S-7", by="operator"),
        ExemptionRevoked(exemption_id="EX-9", brand="Acme"),
    ]
    outcomes = [apply(registry, TOPIC_OF[type(e)], e, next(CLOCK)) for e in early]
    assert [o.waiting_for for o in outcomes] == [
        "brand:acme",
        "brand:acme",
        "request:R-9",
        "brand:acme",
        "exemption:EX-9",
    ]
    assert not any(o.applied for o in outcomes) and registry.changed == set()
    run(registry, BrandRegistered(brand="ACME", owner_seller_id="S-OWNER"))
    assert unblocked_by(registry) == {"brand:acme"}


def test_a_grant_or_revocation_older_than_the_change_in_force_is_superseded() -> None:
    registry = acme()
    t = datetime(2026, 11, 25, tzinfo=UTC)
    revoke = BrandAuthorizationRevoked(brand="Acme", seller_id="S-2", by="S-OWNER")
    grant = BrandAuthorizationGranted(brand="Acme", seller_id="S-2", by="S-OWNER")
    # the revocation (made later) arrives first: it waits for the grant, then applies after it
    assert apply(registry, topics.BRAND_AUTHORIZATION_REVOKED, revoke, t).waiting_for == "authorization:acme/S-2"
    assert apply(registry, topics.BRAND_AUTHORIZATION_GRANTED, grant, t - timedelta(seconds=5)).applied
    assert apply(registry, topics.BRAND_AUTHORIZATION_REVOKED, revoke, t).applied
    assert not registry.authorizations[("acme", "S-2")].covers("X")
    stale = apply(registry, topics.BRAND_AUTHORIZATION_GRANTED, grant, t - timedelta(seconds=1))
    assert not stale.applied and stale.reason.startswith("superseded")
    assert apply(registry, topics.BRAND_AUTHORIZATION_GRANTED, grant, t + timedelta(seconds=1)).applied
    assert registry.authorizations[("acme", "S-2")].covers("X")


# --- the gate --------------------------------------------------------------------------------------


def facts(registry: Registry, seller: str, *, brand: str = "Acme", sku: str = "SKU-1", **kw: Any) -> Facts:
    from asinflow_brands import brand_key

    key = brand_key(brand)
    return Facts(
        seller_id=seller,
        sku=sku,
        brand_name=brand,
        new_asin=kw.pop("new_asin", True),
        brand=registry.brands.get(key),
        authorization=registry.authorization(key, seller),
        **kw,
    )


def test_owner_and_authorised_sellers_create_others_get_5461_with_the_evidence_list() -> None:
    registry = acme()
    run(registry, BrandAuthorizationGranted(brand="Acme", seller_id="S-2", skus=["SKU-1"], by="S-OWNER"))
    assert gate(facts(registry, "S-OWNER")).clearance == "owner"
    assert gate(facts(registry, "S-2")).clearance == "authorized"
    other_sku = gate(facts(registry, "S-2", sku="SKU-9"))
    assert other_sku.rejected and "covers SKUs SKU-1 only" in other_sku.issues[0].message
    stranger = gate(facts(registry, "S-STRANGER", brand="ＡＣＭＥ, Inc."))
    assert stranger.rejected
    [problem] = stranger.issues
    assert problem.code == IssueCode.BRAND_NOT_AUTHORIZED and problem.amazon_code == 5461
    assert problem.category == "QUALIFICATION_REQUIRED" and problem.attribute == "brand"
    for item in REQUIRED_EVIDENCE:
        assert item in problem.remedy
    assert "S-OWNER" in problem.remedy


def test_offers_on_existing_asins_and_unregistered_brands_pass() -> None:
    registry = acme()
    assert gate(facts(registry, "S-STRANGER", new_asin=False)).clearance == "offer"
    open_brand = gate(facts(registry, "S-STRANGER", brand="Zephyr Outdoor"))
    assert open_brand.clearance == "unregistered" and open_brand.issues == []


def test_a_near_miss_passes_with_a_warning_for_review() -> None:
    registry = acme()
    verdict = gate(facts(registry, "S-2", brand="Acmy", near_miss=(registry.brands["acme"], 1)))
    assert verdict.clearance == "unregistered"
    [warning] = verdict.issues
    assert warning.code == IssueCode.BRAND_NEAR_MISS and warning.severity == Severity.WARNING
    assert "Acme" in warning.message and "1 edit" in warning.message


def test_a_gtin_with_another_brands_prefix_is_8572_for_offers_and_new_asins() -> None:
    registry = acme()
    run(registry, BrandRegistered(brand="Bolt", owner_seller_id="S-BOLT"))
    owner = ("0012345", registry.brands["acme"])
    for new_asin in (True, False):
        verdict = gate(facts(registry, "S-BOLT", brand="Bolt", new_asin=new_asin, gtin14="00012345678905",
                             prefix_owner=owner))  # fmt: skip
        assert verdict.rejected
        [problem] = verdict.issues
        assert problem.code == IssueCode.GTIN_BRAND_MISMATCH and problem.amazon_code == 8572
        assert "'Acme Inc.'" in problem.message and "0012345" in problem.message
    unregistered = gate(facts(registry, "S-X", brand="Nobody", gtin14="00012345678905", prefix_owner=owner))
    assert unregistered.rejected
    own = gate(facts(registry, "S-OWNER", brand="ACME", gtin14="00012345678905", prefix_owner=owner))
    assert own.clearance == "owner"


# --- evidence and prefixes -------------------------------------------------------------------------


def test_complete_evidence_misses_nothing_and_empty_evidence_misses_everything() -> None:
    assert missing_evidence(evidence()) == []
    assert missing_evidence(ApprovalEvidence()) == list(REQUIRED_EVIDENCE)
    blank = evidence(title="  ", identifiers=[{"type": "ASIN", "value": "B000000001"}])
    assert missing_evidence(blank) == ["title (with its variations)", "UPC/EAN/JAN"]


def test_prefix_candidates_are_longest_first_and_the_longest_registered_wins() -> None:
    gtin14 = "00012345678905"
    assert candidate_prefixes(gtin14) == [
        "001234567890", "00123456789", "0012345678", "001234567", "00123456", "0012345", "001234",
    ]  # fmt: skip
    registered = {"001234": "short", "001234567": "long"}
    assert owning_prefix(gtin14, registered) == ("001234567", "long")
    assert owning_prefix("04006381333931", registered) is None
