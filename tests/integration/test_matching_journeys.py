"""Duplicate matching on the embedded stack: offers attach to existing items, new ASINs only for new products."""

from __future__ import annotations

import json

import pytest

from tests.support.cli import asinflow
from tests.support.ledger import asin_of
from tests.support.listings import SETTLED, gtin, ledger_issues, proposal, publish_proposal, seller, wait_for_state

pytestmark = pytest.mark.integration


def projector_lamp(s: str, sku: str, brand: str, **fields: object) -> dict[str, object]:
    return proposal(
        s,
        sku,
        brand=brand,
        title=f"{brand} ELPLP12 Replacement Projector Lamp 200W UHE for PowerLite 1500",
        model_number="ELPLP12",
        product_type="PROJECTOR_LAMP",
        **fields,
    )


async def decision(pool, seller_id: str, sku: str) -> dict[str, object]:
    row = await pool.fetchrow(
        "SELECT d.outcome, d.asin, d.match_kind, d.score, d.evidence FROM duplicate_matching.decisions d "
        "JOIN catalog.offers o USING (proposal_id) WHERE o.seller_id = $1 AND o.sku = $2",
        seller_id,
        sku,
    )
    return {**dict(row), "evidence": json.loads(row["evidence"])}


async def test_same_gtin_attaches_an_offer_to_the_existing_asin(services, infra, producer, pool) -> None:
    a, b = seller(), seller()
    brand = f"Lumen{a[-6:]}"
    await publish_proposal(
        producer, projector_lamp(a, "LAMP-A", brand, identifiers=[{"type": "EAN", "value": gtin(a)}])
    )
    assert await wait_for_state(pool, a, "LAMP-A", SETTLED) == "active"
    await publish_proposal(
        producer, projector_lamp(b, "LAMP-B", brand, identifiers=[{"type": "EAN", "value": gtin(a)}])
    )
    assert await wait_for_state(pool, b, "LAMP-B", SETTLED) == "active"
    assert await asin_of(pool, b, "LAMP-B") == await asin_of(pool, a, "LAMP-A")
    d = await decision(pool, b, "LAMP-B")
    assert (d["outcome"], d["match_kind"], d["score"]) == ("MATCHED", "GTIN", 1.0)


async def test_same_model_under_another_gtin_matches_and_records_an_alias(services, infra, producer, pool) -> None:
    a, b = seller(), seller()
    brand = f"Lumen{a[-6:]}"
    await publish_proposal(
        producer, projector_lamp(a, "LAMP-A", brand, identifiers=[{"type": "EAN", "value": gtin(a)}])
    )
    await wait_for_state(pool, a, "LAMP-A", SETTLED)
    await publish_proposal(
        producer, projector_lamp(b, "LAMP-B", brand, identifiers=[{"type": "EAN", "value": gtin(b)}])
    )
    assert await wait_for_state(pool, b, "LAMP-B", SETTLED) == "active"
    asin = await asin_of(pool, a, "LAMP-A")
    assert await asin_of(pool, b, "LAMP-B") == asin
    d = await decision(pool, b, "LAMP-B")
    assert d["match_kind"] == "MODEL" and "model_number" in d["evidence"]["agreed"]
    warnings = [i for i in await ledger_issues(pool, b, "LAMP-B") if i["severity"] == "WARNING"]
    assert [w["code"] for w in warnings] == ["DUPLICATE_GTIN_ALIAS"]
    show = json.loads((await asinflow("catalog", "show", asin, "--json", infra=infra)).out)
    assert set(show["gtin14s"]) == {f"0{gtin(a)}", f"0{gtin(b)}"}


async def test_a_gtin_used_on_another_brands_product_is_a_conflict(services, producer, pool) -> None:
    a, b = seller(), seller()
    await publish_proposal(
        producer, projector_lamp(a, "LAMP-A", f"Lumen{a[-6:]}", identifiers=[{"type": "EAN", "value": gtin(a)}])
    )
    await wait_for_state(pool, a, "LAMP-A", SETTLED)
    wrong = proposal(
        b,
        "KETTLE-1",
        brand=f"Boilright{b[-6:]}",
        title="Boilright 1.7 L Electric Kettle, Stainless",
        product_type="KETTLE",
        model_number="BK-17",
        identifiers=[{"type": "EAN", "value": gtin(a)}],
    )
    await publish_proposal(producer, wrong)
    assert await wait_for_state(pool, b, "KETTLE-1", SETTLED) == "rejected"
    issue = (await ledger_issues(pool, b, "KETTLE-1"))[0]
    assert issue["code"] == "CATALOG_DATA_CONFLICT" and issue["amazon_code"] == 8541
    assert await asin_of(pool, a, "LAMP-A") in issue["message"]


async def test_a_genuinely_new_product_gets_a_new_asin(services, producer, pool) -> None:
    a, b = seller(), seller()
    brand = f"Lumen{a[-6:]}"
    await publish_proposal(
        producer, projector_lamp(a, "LAMP-A", brand, identifiers=[{"type": "EAN", "value": gtin(a)}])
    )
    await wait_for_state(pool, a, "LAMP-A", SETTLED)
    other = proposal(
        b,
        "CABLE-1",
        brand=brand,
        title=f"{brand} HDMI 2.1 Cable 3 m, 48 Gbps",
        model_number="HC-300",
        product_type="CABLE",
        identifiers=[{"type": "EAN", "value": gtin(b)}],
    )
    await publish_proposal(producer, other)
    assert await wait_for_state(pool, b, "CABLE-1", SETTLED) == "active"
    assert await asin_of(pool, b, "CABLE-1") != await asin_of(pool, a, "LAMP-A")
    d = await decision(pool, b, "CABLE-1")
    assert d["outcome"] == "UNMATCHED"


async def test_an_exempted_product_matching_an_item_with_a_gtin_is_flagged(services, producer, pool) -> None:
    a, b = seller(), seller()
    brand = "Hearth & Loom"
    title = f"Hearth & Loom Hand-Woven Wool Throw {a[-6:]}, 130 x 170 cm, Oatmeal"
    await publish_proposal(
        producer,
        proposal(
            a,
            "THROW-A",
            brand=brand,
            title=title,
            model_number=f"HL-{a[-6:]}",
            product_type="BLANKET",
            identifiers=[{"type": "EAN", "value": gtin(a)}],
        ),
    )
    await wait_for_state(pool, a, "THROW-A", SETTLED)
    await publish_proposal(
        producer,
        proposal(
            b,
            "THROW-B",
            brand=brand,
            title=title,
            model_number=f"HL-{a[-6:]}",
            product_type="BLANKET",
            identifiers=[],
            exemption_id="EX-HEARTH-LOOM",
        ),
    )
    assert await wait_for_state(pool, b, "THROW-B", SETTLED) == "active"
    assert await asin_of(pool, b, "THROW-B") == await asin_of(pool, a, "THROW-A")
    warnings = [i for i in await ledger_issues(pool, b, "THROW-B") if i["severity"] == "WARNING"]
    assert [w["code"] for w in warnings] == ["EXEMPTION_LIKELY_DUPLICATE"]
