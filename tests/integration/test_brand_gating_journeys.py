"""Brand gating on the embedded stack (issue 5): who may create new ASINs for a registered brand, offers
on existing ASINs, approvals, revocation, look-alike spellings, GS1 prefixes, exemptions, replay."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from asinflow_brand_gating.replay import rebuild
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
from asinflow_contracts.ids import listing_id

from tests.support.brand_spellings import DIFFERENT_BRANDS, look_alikes
from tests.support.brands import registry_event
from tests.support.cli import asinflow
from tests.support.ledger import asin_of
from tests.support.listings import (
    SETTLED,
    ean13,
    gtin,
    ledger_issues,
    proposal,
    publish_proposal,
    seller,
    wait_for_proposal,
    wait_for_state,
)

pytestmark = pytest.mark.integration


def letters(n: int = 8) -> str:
    """Random letters only, so that a test's brand has no digits for the digit/letter confusables to map."""
    return "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:n])


def product(s: str, sku: str, brand: str, n: int = 0, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "brand": brand,
        "manufacturer": None,
        "title": f"{brand} Trail Lantern {sku} {letters(6)}",
        "model_number": None,
        "product_type": "LANTERN",
        "identifiers": [{"type": "EAN", "value": gtin(s, n)}],
    }
    return proposal(s, sku, **{**base, **fields})


async def register(producer, pool, brand: str, owner: str) -> None:
    applied, reason = await registry_event(
        producer, pool, topics.BRAND_REGISTERED, BrandRegistered(brand=brand, owner_seller_id=owner)
    )
    assert applied, reason


async def rejection(pool, s: str, sku: str) -> dict[str, Any]:
    assert await wait_for_state(pool, s, sku, SETTLED) == "rejected"
    [first, *_] = await ledger_issues(pool, s, sku)
    return first


async def test_owner_and_authorised_sellers_create_a_stranger_gets_5461_with_the_evidence_list(
    services, producer, pool
) -> None:
    owner, friend, stranger = seller(), seller(), seller()
    brand = f"Kestrel {letters()}"
    await register(producer, pool, brand, owner)
    event = BrandAuthorizationGranted(brand=brand.upper(), seller_id=friend, by=owner)
    assert await registry_event(producer, pool, topics.BRAND_AUTHORIZATION_GRANTED, event) == (True, "")
    await publish_proposal(producer, product(owner, "OWN-1", brand))
    await publish_proposal(producer, product(friend, "FRIEND-1", brand, 1))
    await publish_proposal(producer, product(stranger, "STRANGE-1", brand, 2))
    assert await wait_for_state(pool, owner, "OWN-1", SETTLED) == "active"
    assert await wait_for_state(pool, friend, "FRIEND-1", SETTLED) == "active"
    problem = await rejection(pool, stranger, "STRANGE-1")
    assert (problem["code"], problem["amazon_code"], problem["category"]) == (
        "BRAND_NOT_AUTHORIZED",
        5461,
        "QUALIFICATION_REQUIRED",
    )
    for evidence in ("title", "brand", "manufacturer", "category", "description", "SKU", "UPC/EAN/JAN", "batch ID"):
        assert evidence in problem["remedy"]
    assert "front" in problem["remedy"] and "back" in problem["remedy"] and "barcode" in problem["remedy"]
    outcomes = {
        r["listing_id"]: r["outcome"]
        for r in await pool.fetch(
            "SELECT listing_id, outcome FROM brand_gating.decisions WHERE listing_id = ANY($1)",
            [listing_id(owner, "OWN-1"), listing_id(friend, "FRIEND-1"), listing_id(stranger, "STRANGE-1")],
        )
    }
    assert outcomes == {
        listing_id(owner, "OWN-1"): "owner",
        listing_id(friend, "FRIEND-1"): "authorized",
        listing_id(stranger, "STRANGE-1"): "rejected",
    }


async def test_a_strangers_offer_on_an_existing_asin_passes(services, producer, pool) -> None:
    owner, stranger = seller(), seller()
    brand = f"Kestrel {letters()}"
    await register(producer, pool, brand, owner)
    original = product(owner, "OWN-1", brand)
    await publish_proposal(producer, original)
    assert await wait_for_state(pool, owner, "OWN-1", SETTLED) == "active"
    offer = product(stranger, "RESELL-1", brand, title=original["title"], identifiers=original["identifiers"])
    await publish_proposal(producer, offer)
    assert await wait_for_state(pool, stranger, "RESELL-1", SETTLED) == "active"
    assert await asin_of(pool, stranger, "RESELL-1") == await asin_of(pool, owner, "OWN-1")


def complete_evidence(brand: str, sku: str, gtin13: str) -> ApprovalEvidence:
    return ApprovalEvidence.model_validate(
        {
            "title": f"{brand} Trail Lantern, Green",
            "brand": brand,
            "manufacturer": f"{brand} Outdoor GmbH",
            "category": "LANTERN",
            "description": "Rechargeable lantern, 300 lm",
            "sku": sku,
            "identifiers": [{"type": "EAN", "value": gtin13}],
            "batch_id": "LOT-2026-47",
            "images": [
                {"url": "https://img.example/front.jpg", "view": "front"},
                {"url": "https://img.example/back.jpg", "view": "back"},
                {"url": "https://img.example/barcode.jpg", "view": "barcode"},
            ],
        }
    )


async def test_approval_then_re_proposal_passes_and_revocation_stops_new_creations(services, producer, pool) -> None:
    owner, seller_b = seller(), seller()
    brand = f"Kestrel {letters()}"
    await register(producer, pool, brand, owner)
    await publish_proposal(producer, product(seller_b, "LAMP-1", brand, 1))
    assert (await rejection(pool, seller_b, "LAMP-1"))["code"] == "BRAND_NOT_AUTHORIZED"

    thin = BrandApprovalRequested(
        request_id=f"R-{letters()}", brand=brand, seller_id=seller_b, evidence=ApprovalEvidence(title="a lantern")
    )
    assert (await registry_event(producer, pool, topics.BRAND_APPROVAL_REQUESTED, thin))[0]
    status, missing = await pool.fetchrow(
        "SELECT status, missing FROM brand_gating.approval_requests WHERE request_id = $1", thin.request_id
    )
    assert status == "incomplete" and "batch ID" in missing and "image showing the barcode" in missing
    decided = BrandApprovalDecided(request_id=thin.request_id, brand=brand, decision="approved", by=owner)
    applied, reason = await registry_event(producer, pool, topics.BRAND_APPROVAL_DECIDED, decided)
    assert not applied and "incomplete" in reason

    request = BrandApprovalRequested(
        request_id=f"R-{letters()}",
        brand=brand,
        seller_id=seller_b,
        evidence=complete_evidence(brand, "LAMP-1", gtin(seller_b, 1)),
    )
    assert (await registry_event(producer, pool, topics.BRAND_APPROVAL_REQUESTED, request))[0]
    by_stranger = BrandApprovalDecided(request_id=request.request_id, brand=brand, decision="approved", by=seller_b)
    applied, reason = await registry_event(producer, pool, topics.BRAND_APPROVAL_DECIDED, by_stranger)
    assert not applied and "neither the owner" in reason
    approval = BrandApprovalDecided(request_id=request.request_id, brand=brand, decision="approved", by=owner)
    assert await registry_event(producer, pool, topics.BRAND_APPROVAL_DECIDED, approval) == (True, "")

    again = await publish_proposal(producer, product(seller_b, "LAMP-1", brand, 1))  # the same listing, again
    assert (await wait_for_proposal(pool, again, SETTLED))[0] == "active"

    revoked = BrandAuthorizationRevoked(brand=brand, seller_id=seller_b, by=owner, reason="contract ended")
    assert await registry_event(producer, pool, topics.BRAND_AUTHORIZATION_REVOKED, revoked) == (True, "")
    await publish_proposal(producer, product(seller_b, "LAMP-2", brand, 2))
    assert (await rejection(pool, seller_b, "LAMP-2"))["code"] == "BRAND_NOT_AUTHORIZED"


async def test_look_alike_spellings_are_gated_and_different_brands_are_not(services, producer, pool) -> None:
    owner, stranger = seller(), seller()
    brand = "Castello Pioneer"
    await register(producer, pool, brand, owner)
    spellings = look_alikes(brand)
    assert len(spellings) >= 50
    for i, spelling in enumerate(spellings):
        await publish_proposal(producer, product(stranger, f"LOOK-{i}", spelling, i))
    for i, spelling in enumerate(DIFFERENT_BRANDS):
        await publish_proposal(producer, product(stranger, f"OTHER-{i}", spelling, 1000 + i))
    gated = [
        spelling
        for i, spelling in enumerate(spellings)
        if (await rejection(pool, stranger, f"LOOK-{i}"))["code"] == "BRAND_NOT_AUTHORIZED"
    ]
    assert gated == spellings
    passed = [
        spelling
        for i, spelling in enumerate(DIFFERENT_BRANDS)
        if await wait_for_state(pool, stranger, f"OTHER-{i}", SETTLED) == "active"
    ]
    assert passed == list(DIFFERENT_BRANDS)


async def test_a_near_miss_is_created_with_a_review_flag(services, producer, pool) -> None:
    owner, other = seller(), seller()
    tag = letters()
    await register(producer, pool, f"Marigold {tag}", owner)
    await publish_proposal(producer, product(other, "NEAR-1", f"Marigolt {tag}"))
    assert await wait_for_state(pool, other, "NEAR-1", SETTLED) == "active"
    codes = {i["code"]: i for i in await ledger_issues(pool, other, "NEAR-1")}
    assert codes["BRAND_NEAR_MISS"]["severity"] == "WARNING"
    assert f"Marigold {tag}" in codes["BRAND_NEAR_MISS"]["message"]


async def test_a_gtin_with_another_brands_gs1_prefix_is_rejected_8572(services, producer, pool) -> None:
    owner, early, other = seller(), seller(), seller()
    brand, squatter = f"Heron {letters()}", f"Other {letters()}"
    company = "40" + str(uuid.uuid4().int)[:7]  # a 9-digit company prefix of this test's own
    # an item created under another brand with one of those GTINs before the owner registered the prefix
    squatted = product(early, "EARLY-1", squatter, identifiers=[{"type": "EAN", "value": ean13(company + "001")}])
    await publish_proposal(producer, squatted)
    assert await wait_for_state(pool, early, "EARLY-1", SETTLED) == "active"
    await register(producer, pool, brand, owner)
    event = BrandPrefixRegistered(brand=brand, prefix=company, by=owner)
    assert await registry_event(producer, pool, topics.BRAND_PREFIX_REGISTERED, event) == (True, "")
    own = product(owner, "OWN-1", brand, identifiers=[{"type": "EAN", "value": ean13(company + "002")}])
    await publish_proposal(producer, own)
    assert await wait_for_state(pool, owner, "OWN-1", SETTLED) == "active"
    would_create = product(other, "NEW-1", squatter, identifiers=[{"type": "EAN", "value": ean13(company + "003")}])
    would_match = product(other, "OFFER-1", squatter, title=squatted["title"], identifiers=squatted["identifiers"])
    for data in (would_create, would_match):
        await publish_proposal(producer, data)
        problem = await rejection(pool, other, data["sku"])
        assert (problem["code"], problem["amazon_code"]) == ("GTIN_BRAND_MISMATCH", 8572)
        assert brand in problem["message"] and company in problem["message"]


async def test_exemptions_come_from_the_registry_and_revocation_ends_them(services, producer, pool) -> None:
    s = seller()
    brand = f"Weaver {letters()}"
    exemption = ExemptionGranted(exemption_id=f"EX-{letters()}", brand=brand, sku="RUG-1")
    assert await registry_event(producer, pool, topics.EXEMPTION_GRANTED, exemption) == (True, "")
    await publish_proposal(
        producer, product(s, "RUG-1", brand.upper(), identifiers=[], exemption_id=exemption.exemption_id)
    )
    assert await wait_for_state(pool, s, "RUG-1", SETTLED) == "active"
    await publish_proposal(producer, product(s, "RUG-2", brand, identifiers=[], exemption_id=exemption.exemption_id))
    assert (await rejection(pool, s, "RUG-2"))["code"] == "IDENTIFIER_MISSING"  # the exemption covers RUG-1 only
    revoked = ExemptionRevoked(exemption_id=exemption.exemption_id, brand=brand)
    assert await registry_event(producer, pool, topics.EXEMPTION_REVOKED, revoked) == (True, "")
    again = await publish_proposal(
        producer, product(s, "RUG-1", brand, identifiers=[], exemption_id=exemption.exemption_id, quantity=3)
    )
    state, issues = await wait_for_proposal(pool, again, SETTLED)
    assert (state, issues[0]["code"]) == ("rejected", "IDENTIFIER_MISSING")


PROJECTION = (
    "SELECT brand_key, display, owner_seller_id FROM brand_gating.brands ORDER BY 1",
    "SELECT brand_key, seller_id, skus, active, source FROM brand_gating.authorizations ORDER BY 1, 2",
    "SELECT prefix, brand_key FROM brand_gating.prefixes ORDER BY 1",
    "SELECT exemption_id, brand_key, sku, seller_id, active FROM brand_gating.exemptions ORDER BY 1",
    "SELECT request_id, brand_key, seller_id, skus, missing, status, decided_by, reason "
    "FROM brand_gating.approval_requests ORDER BY 1",
)


async def test_replaying_the_history_rebuilds_the_registry(services, producer, pool) -> None:
    owner, friend = seller(), seller()
    brand = f"Osprey {letters()}"
    await register(producer, pool, brand, owner)
    for topic, event in (
        (topics.BRAND_AUTHORIZATION_GRANTED, BrandAuthorizationGranted(brand=brand, seller_id=friend, by=owner)),
        (topics.BRAND_AUTHORIZATION_REVOKED, BrandAuthorizationRevoked(brand=brand, seller_id=friend, by=owner)),
        (topics.BRAND_REGISTERED, BrandRegistered(brand=f"{brand} Inc.", owner_seller_id=friend)),  # refused
    ):
        await registry_event(producer, pool, topic, event)
    history = await pool.fetch(
        "SELECT event_type, applied FROM brand_gating.history WHERE brand_key = "
        "(SELECT brand_key FROM brand_gating.brands WHERE display = $1) ORDER BY seq",
        brand,
    )
    assert [(r["event_type"], r["applied"]) for r in history] == [
        (topics.BRAND_REGISTERED, True),
        (topics.BRAND_AUTHORIZATION_GRANTED, True),
        (topics.BRAND_AUTHORIZATION_REVOKED, True),
        (topics.BRAND_REGISTERED, False),
    ]
    before = [[dict(r) for r in await pool.fetch(q)] for q in PROJECTION]
    async with pool.acquire() as conn:
        replayed = await rebuild(conn)
    assert replayed >= 4
    after = [[dict(r) for r in await pool.fetch(q)] for q in PROJECTION]
    assert after == before
    assert any(row["owner_seller_id"] == owner for row in after[0])


async def test_brand_commands_publish_registry_events_and_report_refusals(services, infra, tmp_path) -> None:
    owner, friend = seller(), seller()
    brand = f"Plover {letters()}"
    result = await asinflow("brand", "register", brand, "--owner", owner, infra=infra)
    assert result.code == 0, result.err
    result = await asinflow("brand", "authorize", brand, friend, "--by", friend, infra=infra)
    assert result.code == 1 and "refused" in result.err and "neither the owner" in result.err
    result = await asinflow("brand", "authorize", brand, friend, "--by", owner, "--sku", "A-1", infra=infra)
    assert result.code == 0 and "authorised" in result.out
    result = await asinflow("brand", "prefix", brand, "12ab", infra=infra)
    assert result.code == 2 and "not a GS1 company prefix" in result.err
    evidence = tmp_path / "evidence.json"
    evidence.write_text(json.dumps({"title": "Plover kettle", "brand": brand, "sku": "K-1"}))
    result = await asinflow("brand", "request", brand, seller(), "--evidence", str(evidence), infra=infra)
    assert result.code == 0 and "incomplete" in result.out and "missing: manufacturer" in result.out
    request_id = result.out.splitlines()[0]
    result = await asinflow("brand", "decide", brand, request_id, "approve", "--by", owner, infra=infra)
    assert result.code == 1 and "incomplete" in result.err
    result = await asinflow("brand", "requests", brand, "--json", infra=infra)
    [row] = json.loads(result.out)
    assert row["request_id"] == request_id and row["status"] == "incomplete"
    result = await asinflow("brand", "history", brand, "--json", infra=infra)
    assert [(r["event_type"], r["applied"]) for r in json.loads(result.out)] == [
        (topics.BRAND_REGISTERED, True),
        (topics.BRAND_AUTHORIZATION_GRANTED, False),
        (topics.BRAND_AUTHORIZATION_GRANTED, True),
        (topics.BRAND_APPROVAL_REQUESTED, True),
        (topics.BRAND_APPROVAL_DECIDED, False),
    ]
