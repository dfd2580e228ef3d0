"""Variation families and multipacks through the whole pipeline (rules in identifier validation)."""

from __future__ import annotations

import json

import pytest
from asinflow_identifier_validation import handlers as validation_handlers

from tests.support.cli import asinflow
from tests.support.ledger import asin_of
from tests.support.listings import SETTLED, gtin, ledger_issues, proposal, publish_proposal, seller, wait_for_state

pytestmark = pytest.mark.integration


def headphones(s: str, sku: str, **fields: object) -> dict[str, object]:
    brand = f"Acme{s[-6:]}"  # a brand per test: other tests' identical headphones are not candidates
    base = proposal(
        s,
        sku,
        title=f"{brand} Wireless Headphones WH-100",
        model_number="WH-100",
        brand=brand,
        product_type="HEADPHONES",
    )
    base.update(fields)
    return base


def child(s: str, sku: str, colour: str, gtin: str, **fields: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": f"Acme{s[-6:]} Wireless Headphones WH-100, {colour}",
        "identifiers": [{"type": "EAN", "value": gtin}],
        "variation": {"parent_sku": "HP-PARENT", "theme": "Color", "attributes": {"Color": colour}},
    }
    return headphones(s, sku, **{**values, **fields})


async def test_children_published_before_their_parent_wait_and_join_the_family(services, infra, producer, pool) -> None:
    s = seller()
    black, white = gtin(s, 1), gtin(s, 2)
    await publish_proposal(producer, child(s, "HP-BLK", "Black", black))
    await publish_proposal(producer, child(s, "HP-WHT", "White", white))
    await publish_proposal(
        producer,
        headphones(s, "HP-PARENT", identifiers=[{"type": "EAN", "value": gtin(s, 0)}], variation={"theme": "Color"}),
    )
    for sku in ("HP-PARENT", "HP-BLK", "HP-WHT"):
        assert await wait_for_state(pool, s, sku, SETTLED) == "active", await ledger_issues(pool, s, sku)
    parent_asin = await asin_of(pool, s, "HP-PARENT")
    show = await asinflow("catalog", "show", await asin_of(pool, s, "HP-BLK"), "--json", infra=infra)
    assert json.loads(show.out)["parent_asin"] == parent_asin
    assert json.loads(show.out)["variation_attributes"] == {"Color": "Black"}


async def test_a_newer_model_is_not_a_child(services, producer, pool) -> None:
    s = seller()
    await publish_proposal(producer, headphones(s, "HP-PARENT", identifiers=[{"type": "EAN", "value": gtin(s, 0)}]))
    await wait_for_state(pool, s, "HP-PARENT", SETTLED)
    await publish_proposal(
        producer,
        child(
            s,
            "HP-200",
            "Black",
            gtin(s, 12),
            model_number="WH-200",
            title=f"Acme{s[-6:]} Wireless Headphones WH-200, Black",
        ),
    )
    assert await wait_for_state(pool, s, "HP-200", SETTLED) == "rejected"
    issue = (await ledger_issues(pool, s, "HP-200"))[0]
    assert issue["code"] == "VARIATION_INVALID" and issue["amazon_code"] == 8016
    assert "WH-200" in issue["message"] and "WH-100" in issue["message"]


async def test_a_seller_made_multipack_is_rejected(services, producer, pool) -> None:
    s = seller()
    await publish_proposal(
        producer,
        proposal(
            s,
            "SOAP-6",
            title="Acme Soap Bar, Pack of 6",
            package_quantity=6,
            manufacturer_multipack=False,
            identifiers=[{"type": "EAN", "value": gtin(s, 13)}],
        ),
    )
    assert await wait_for_state(pool, s, "SOAP-6", SETTLED) == "rejected"
    assert (await ledger_issues(pool, s, "SOAP-6"))[0]["code"] == "MULTIPACK_NOT_MANUFACTURER"


async def test_a_child_whose_parent_never_comes_is_rejected_after_the_wait(
    services, producer, pool, monkeypatch
) -> None:
    monkeypatch.setattr(validation_handlers, "PARENT_WAIT_S", 1.0)
    s = seller()
    await publish_proposal(producer, child(s, "ORPHAN", "Blue", gtin(s, 14)))
    assert await wait_for_state(pool, s, "ORPHAN", SETTLED, timeout=30) == "rejected"
    issue = (await ledger_issues(pool, s, "ORPHAN"))[0]
    assert issue["code"] == "VARIATION_INVALID" and "HP-PARENT" in issue["message"]


async def test_changing_a_live_parent_so_it_no_longer_fits_is_variation_abuse(services, infra, producer, pool) -> None:
    s = seller()
    parent = headphones(
        s, "HP-PARENT", identifiers=[{"type": "EAN", "value": gtin(s, 0)}], variation={"theme": "Color"}
    )
    await publish_proposal(producer, parent)
    await publish_proposal(producer, child(s, "HP-RED", "Red", gtin(s, 15)))
    for sku in ("HP-PARENT", "HP-RED"):
        assert await wait_for_state(pool, s, sku, SETTLED) == "active"
    changed = {**parent, "variation": {"theme": "Size"}, "batch_id": "second-feed"}  # children have no Size
    await publish_proposal(producer, changed)
    assert await wait_for_state(pool, s, "HP-PARENT", {"suppressed"}) == "suppressed"
    out = await asinflow("listing", "show", s, "HP-PARENT", "--json", infra=infra)
    assert json.loads(out.out)["state"] == "suppressed"
    violations = await pool.fetch(
        "SELECT kind, evidence FROM activation.violations v JOIN activation.listings l USING (listing_id) "
        "WHERE l.seller_id = $1 AND l.sku = 'HP-PARENT'",
        s,
    )
    assert [v["kind"] for v in violations] == ["VARIATION_ABUSE"]
    assert "HP-RED" in violations[0]["evidence"]
