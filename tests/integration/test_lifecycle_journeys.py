"""Listings walked through every state of DESIGN §1 with the CLI, as an operator and a seller would."""

from __future__ import annotations

import re

import pytest

from tests.support.cli import asinflow
from tests.support.ledger import asin_of, refusals, transitions
from tests.support.listings import SETTLED, proposal, publish_proposal, seller, wait_for, wait_for_state
from tests.support.listings import gtin as ean_of

pytestmark = pytest.mark.integration


async def test_created_active_inactive_active_suppressed_then_reactivated(services, infra, producer, pool) -> None:
    s = seller()
    await publish_proposal(producer, proposal(s, "LIFE-1", quantity=5))
    assert await wait_for_state(pool, s, "LIFE-1", SETTLED) == "active"

    out = await asinflow("inventory", "set", s, "LIFE-1", "0", infra=infra)
    assert out.code == 0, out.err
    assert "state: inactive  buyable: no" in out.out
    assert await wait_for_state(pool, s, "LIFE-1", {"inactive"}) == "inactive"

    out = await asinflow("inventory", "set", s, "LIFE-1", "3", infra=infra)
    assert "state: active  buyable: yes  discoverable: yes  quantity: 3" in out.out
    await wait_for_state(pool, s, "LIFE-1", {"active"})

    out = await asinflow(
        "policy",
        "report",
        "--seller",
        s,
        "--sku",
        "LIFE-1",
        "--kind",
        "COUNTERFEIT",
        "--evidence",
        "test buy order 114-2291",
        "--reporter",
        "brand protection",
        "--id",
        f"V-{s}",
        infra=infra,
    )
    assert out.code == 0, out.err
    assert "state: suppressed  buyable: no  discoverable: no" in out.out
    await wait_for_state(pool, s, "LIFE-1", {"suppressed"})

    # restocking does not activate a suppressed listing: refused and recorded
    out = await asinflow("inventory", "set", s, "LIFE-1", "9", infra=infra)
    assert "state: suppressed" in out.out
    assert [r["attempted"] for r in await refusals(pool, s, "LIFE-1")] == ["asinflow.listing.activated.v1"]
    assert "approved reactivation is required" in (await refusals(pool, s, "LIFE-1"))[0]["reason"]
    shown = await asinflow("listing", "show", s, "LIFE-1", infra=infra)
    assert "refused" in shown.out and "asinflow.listing.activated.v1 in state suppressed" in shown.out
    assert f"open violation V-{s}: COUNTERFEIT" in shown.out and "buyable: no" in shown.out

    out = await asinflow(
        "policy",
        "reactivate",
        s,
        "LIFE-1",
        "--fix",
        "removed the lot; invoices from the brand",
        "--id",
        f"R-{s}",
        infra=infra,
    )
    assert out.code == 0 and f"R-{s} PENDING" in out.out
    out = await asinflow("policy", "decide", f"R-{s}", "--approve", "--by", "ops@asinflow", infra=infra)
    assert out.code == 0, out.err
    assert "state: active  buyable: yes" in out.out
    assert await wait_for_state(pool, s, "LIFE-1", {"active"}) == "active"

    assert await transitions(pool, s, "LIFE-1") == [
        (None, "proposed", True),
        ("proposed", "validated", True),
        ("validated", "validated", True),  # listing.matched or listing.unmatched
        ("validated", "validated", True),  # listing.brand-cleared
        ("validated", "validated", True),  # listing.quota-granted
        ("validated", "created", True),
        ("created", "active", True),
        ("active", "inactive", True),
        ("inactive", "active", True),
        ("active", "suppressed", True),
        ("suppressed", "active", True),
    ]


async def test_reactivating_an_active_listing_is_refused_and_recorded(services, infra, producer, pool) -> None:
    s = seller()
    await publish_proposal(producer, proposal(s, "OK-1"))
    await wait_for_state(pool, s, "OK-1", {"active"})
    out = await asinflow("policy", "reactivate", s, "OK-1", "--fix", "nothing was wrong with it", infra=infra)
    assert out.code == 1
    assert "REFUSED: the listing is active, not suppressed: there is nothing to reactivate" in out.out
    assert (await refusals(pool, s, "OK-1"))[0]["state"] == "active"
    assert await wait_for_state(pool, s, "OK-1") == "active"


async def test_created_without_stock_is_inactive_and_reactivation_without_stock_stays_inactive(
    services, infra, producer, pool
) -> None:
    s = seller()
    await publish_proposal(producer, proposal(s, "EMPTY-1", quantity=0))
    assert await wait_for_state(pool, s, "EMPTY-1", SETTLED) == "inactive"
    await asinflow(
        "policy",
        "report",
        "--seller",
        s,
        "--sku",
        "EMPTY-1",
        "--kind",
        "REVIEW_MANIPULATION",
        "--evidence",
        "incentivised reviews",
        "--reporter",
        "trust and safety",
        "--id",
        f"V1-{s}",
        infra=infra,
    )
    await asinflow(
        "policy",
        "report",
        "--seller",
        s,
        "--sku",
        "EMPTY-1",
        "--kind",
        "IP_COMPLAINT",
        "--evidence",
        "notice 4411",
        "--reporter",
        "rights owner",
        "--id",
        f"V2-{s}",
        infra=infra,
    )
    await wait_for_state(pool, s, "EMPTY-1", {"suppressed"})

    await asinflow(
        "policy",
        "reactivate",
        s,
        "EMPTY-1",
        "--fix",
        "removed the review program",
        "--violation",
        f"V1-{s}",
        "--id",
        f"R1-{s}",
        infra=infra,
    )
    out = await asinflow("policy", "decide", f"R1-{s}", "--approve", "--by", "ops", infra=infra)
    assert "state: suppressed" in out.out and f"open violation V2-{s}: IP_COMPLAINT" in out.out

    await asinflow(
        "policy",
        "reactivate",
        s,
        "EMPTY-1",
        "--fix",
        "licence agreement signed with rights owner",
        "--id",
        f"R2-{s}",
        infra=infra,
    )
    out = await asinflow("policy", "decide", f"R2-{s}", "--approve", "--by", "ops", infra=infra)
    assert "state: inactive" in out.out  # reactivated, and at once inactive: no stock
    await wait_for_state(pool, s, "EMPTY-1", {"inactive"})
    assert (await transitions(pool, s, "EMPTY-1"))[-5:] == [
        ("inactive", "suppressed", True),
        ("suppressed", "suppressed", True),  # the second violation: a further suppression (issue 13)
        ("suppressed", "suppressed", True),  # V1 resolved, still suppressed by V2: suppressed again, by what is left
        ("suppressed", "active", True),
        ("active", "inactive", True),
    ]


async def test_asin_level_removal_suppresses_every_offer_even_later_ones(services, infra, producer, pool) -> None:
    a, b, c = seller(), seller(), seller()
    gtin = [{"type": "EAN", "value": ean_of(a)}]
    brand = f"Stabilo {a}"
    await publish_proposal(producer, proposal(a, "PEN-1", brand=brand, identifiers=gtin))
    await wait_for_state(pool, a, "PEN-1", {"active"})
    await publish_proposal(producer, proposal(b, "PEN-B", brand=brand, identifiers=gtin))
    await wait_for_state(pool, b, "PEN-B", {"active"})
    asin = await asin_of(pool, a, "PEN-1")
    assert re.fullmatch(r"B0[0-9A-Z]{8}", asin)
    assert await asin_of(pool, b, "PEN-B") == asin  # an offer on the existing ASIN, no second ASIN

    out = await asinflow(
        "policy",
        "report",
        "--asin",
        asin,
        "--kind",
        "COUNTERFEIT",
        "--evidence",
        "lab report 7",
        "--reporter",
        "brand owner",
        "--id",
        f"VA-{a}",
        infra=infra,
    )
    assert out.code == 0, out.err
    for s, sku in ((a, "PEN-1"), (b, "PEN-B")):
        assert await wait_for_state(pool, s, sku, {"suppressed"}) == "suppressed"

    await publish_proposal(producer, proposal(c, "PEN-C", brand=brand, identifiers=gtin))
    assert await wait_for_state(pool, c, "PEN-C", SETTLED) == "suppressed"  # created on a removed ASIN
    show = await asinflow("catalog", "show", asin, infra=infra)
    assert all(f"offer: {s} / {sku}" in show.out for s, sku in ((a, "PEN-1"), (b, "PEN-B"), (c, "PEN-C")))


async def test_search_suppression_and_enforcement_exemption_set_visibility(services, infra, producer, pool) -> None:
    s = seller()
    await publish_proposal(producer, proposal(s, "VIS-1"))
    await publish_proposal(producer, proposal(s, "VIS-2"))
    for sku in ("VIS-1", "VIS-2"):
        await wait_for_state(pool, s, sku, {"active"})
    out = await asinflow(
        "policy",
        "report",
        "--seller",
        s,
        "--sku",
        "VIS-1",
        "--kind",
        "REVIEW_MANIPULATION",
        "--enforcement",
        "SEARCH_SUPPRESSED",
        "--evidence",
        "review ring",
        "--reporter",
        "t&s",
        infra=infra,
    )
    assert "state: suppressed  buyable: yes  discoverable: no" in out.out
    out = await asinflow(
        "policy",
        "report",
        "--seller",
        s,
        "--sku",
        "VIS-2",
        "--kind",
        "IP_COMPLAINT",
        "--evidence",
        "notice 1",
        "--reporter",
        "rights owner",
        "--exempt-until",
        "2099-01-01",
        infra=infra,
    )
    assert "state: suppressed  buyable: yes  discoverable: yes" in out.out
    assert "(enforcement exempt until 2099-01-01)" in out.out


async def test_policy_commands_check_their_input(services, infra) -> None:
    out = await asinflow("policy", "report", "--kind", "COUNTERFEIT", "--evidence", "x", "--reporter", "y", infra=infra)
    assert out.code == 2 and "name either --seller and --sku, or --asin" in out.err
    out = await asinflow("policy", "decide", "R-NOPE", "--approve", "--by", "ops", infra=infra)
    assert out.code == 1 and "no reactivation request R-NOPE" in out.err
    out = await asinflow("catalog", "show", "B000000000", infra=infra)
    assert out.code == 1 and "no catalog item" in out.err


async def test_minting_is_idempotent_per_listing_version(services, producer, pool) -> None:
    s = seller()
    data = proposal(s, "MINT-1", identifiers=[], brand="Hearth & Loom", exemption_id="EX-HEARTH-LOOM")
    await publish_proposal(producer, data)
    await publish_proposal(producer, data)
    await wait_for_state(pool, s, "MINT-1", {"active"})
    await wait_for(pool, "SELECT count(*) FROM catalog.offers WHERE seller_id = $1", s, predicate=lambda n: n == 1)
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM catalog.items i JOIN catalog.offers o USING (asin) WHERE o.seller_id = $1", s
        )
        == 1
    )
