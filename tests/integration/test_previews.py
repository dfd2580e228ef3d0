"""Previews over HTTP (issue 13): each service answers its own decision for a proposal, without effects, from its
own read model; the listings API asks them in pipeline order (`PUT …?mode=preview`) and says what the pipeline then
does. Five
proposals — an invalid check digit, a stranger's new ASIN for a registry brand (5461), another brand's GS1 prefix
(8572), an offer on an existing ASIN, one over the seller's weekly limit — are previewed, then published: each ends
exactly as its preview said, and the previews recorded nothing."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from tests.support.http import ok, post
from tests.support.listings import (
    SETTLED,
    ean13,
    gtin,
    proposal,
    publish_proposal,
    seller,
    wait_for,
    wait_for_proposal,
)
from tests.support.previews import preview_pipeline, submit

pytestmark = pytest.mark.integration

NEW_SELLER_LIMIT = 20


def new_product(seller_id: str, sku: str, n: int, brand: str | None = None, **fields: Any) -> dict[str, Any]:
    """A product new to the catalog: a title and GTIN of its own."""
    brand = brand or f"Previewbrand {uuid.uuid4().hex[:8]}"
    fields.setdefault("identifiers", [{"type": "EAN", "value": gtin(seller_id, n)}])
    return proposal(
        seller_id,
        sku,
        brand=brand,
        title=f"{brand} pocket torch {uuid.uuid4().hex[:8]}",
        model_number=None,
        manufacturer=None,
        product_type="TORCH",
        **fields,
    )


async def settled_count(pool, seller_id: str, n: int) -> None:
    query = (
        "SELECT count(*) FROM (SELECT DISTINCT ON (sku) state FROM ledger.versions WHERE seller_id = $1 "
        "ORDER BY sku, version DESC) v WHERE state = ANY($2)"
    )
    await wait_for(pool, query, seller_id, list(SETTLED), predicate=lambda c: c == n, timeout=60)


async def footprint(pool) -> dict[str, int]:
    """Rows the pipeline writes when it decides (a preview must add none)."""
    tables = [
        "identifier_validation.decisions",
        "duplicate_matching.decisions",
        "brand_gating.decisions",
        "creation_quota.queue",
        "catalog.offers",
    ]
    return {t: await pool.fetchval(f"SELECT count(*) FROM {t}") for t in tables}


async def test_previews_say_what_the_pipeline_then_decides(services, api, producer, pool) -> None:
    maker, buyer, flooder, stranger, other = (seller() for _ in range(5))
    existing = new_product(maker, "ORIGINAL", 0)
    await publish_proposal(producer, existing)
    offers = [{**existing, "seller_id": flooder, "sku": f"OFFER-{i:02d}"} for i in range(NEW_SELLER_LIMIT)]
    await asyncio.gather(*(publish_proposal(producer, o) for o in offers))
    await settled_count(pool, maker, 1)
    await settled_count(pool, flooder, NEW_SELLER_LIMIT)
    asin = await pool.fetchval("SELECT asin FROM ledger.versions WHERE seller_id = $1", maker)
    assert asin is not None

    acme_gtin = ean13(f"590123412{uuid.uuid4().int % 1000:03d}")  # Acme's GS1 company prefix (examples' registry)
    cases = {
        "checksum": proposal(other, "BAD-CHECK", identifiers=[{"type": "UPC", "value": "036000291453"}]),
        "5461": new_product(stranger, "ACME-NEW", 1, brand="Acme"),
        "8572": new_product(other, "ACME-PREFIX", 2, identifiers=[{"type": "EAN", "value": acme_gtin}]),
        "offer": {**existing, "seller_id": buyer, "sku": "MY-OFFER"},
        "throttled": {**existing, "seller_id": flooder, "sku": "ONE-TOO-MANY"},
    }
    before = await footprint(pool)
    previews = {name: await preview_pipeline(api, pool, data) for name, data in cases.items()}
    assert await footprint(pool) == before, "previews record nothing"

    expected = {
        "checksum": ("rejected", "IDENTIFIER_INVALID_CHECKSUM"),
        "5461": ("rejected", "BRAND_NOT_AUTHORIZED"),
        "8572": ("rejected", "GTIN_BRAND_MISMATCH"),
        "offer": ("active", None),
        "throttled": ("throttled", "CREATION_LIMIT_REACHED"),
    }
    for name, (state, code) in expected.items():
        found = previews[name]
        assert found["state"] == state, (name, found)
        assert code is None or found["codes"][0] == code, (name, found["codes"])
    matching = previews["offer"]["steps"]["duplicate-matching"]
    assert (matching["outcome"], matching["asin"], matching["match_kind"]) == ("matched", asin, "GTIN")
    assert previews["offer"]["asin"] == asin
    assert previews["5461"]["steps"]["brand-gating"]["evidence_required"]
    quota = previews["throttled"]["steps"]["creation-quota"]
    assert (quota["used"], quota["limit"], quota["capacity_returns_at"] is not None) == (20, 20, True)

    ids = {name: await publish_proposal(producer, data) for name, data in cases.items()}
    for name, proposal_id in ids.items():
        state, issues = await wait_for_proposal(pool, proposal_id, SETTLED, timeout=60)
        found = previews[name]
        assert state == found["state"], (name, state, issues)
        if state in ("rejected", "throttled"):
            assert [i["code"] for i in issues] == found["codes"], (name, issues)
    placed = await pool.fetchval("SELECT asin FROM ledger.versions WHERE proposal_id = $1", ids["offer"])
    assert placed == previews["offer"]["asin"]


async def test_a_new_asin_is_previewed_with_the_very_asin_the_catalog_then_mints(services, api, producer, pool) -> None:
    s = seller()
    data = new_product(s, "MINT-ME", 0, quantity=0)
    found = await preview_pipeline(api, pool, data)
    assert found["state"] == "inactive" and found["steps"]["catalog"]["outcome"] == "mint"
    assert found["steps"]["activation"]["reason"] == "OUT_OF_STOCK"
    proposal_id = await submit(api, pool, data)  # what an integrator does after the preview: the same bytes
    assert proposal_id == found["answer"]["proposal_id"]
    state, _ = await wait_for_proposal(pool, proposal_id, SETTLED, timeout=60)
    assert state == "inactive"
    asin = await pool.fetchval("SELECT asin FROM ledger.versions WHERE proposal_id = $1", proposal_id)
    assert asin == found["asin"]


async def test_the_preview_of_a_proposal_the_pipeline_would_dead_letter_is_a_4xx(services) -> None:
    validation = services["identifier-validation"]
    status, body = await post(validation, "/preview", b"not json at all")
    assert status == 400 and body["dead_letter_reason"] == "not_json", body
    status, body = await post(validation, "/preview", {"title": "a proposal without its seller"})
    assert status == 422 and body["dead_letter_reason"] == "unparseable_proposal", body
    answer = await ok(post(validation, "/preview", {"seller_id": seller(), "sku": "NO-TITLE", "brand": "B"}))
    assert (answer["outcome"], answer["code"]) == ("rejected", "SCHEMA_INVALID")
