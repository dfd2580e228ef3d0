"""The services' read queries over HTTP (issue 13, item 1's groundwork): the ledger's listing search (state, issue
severity, seller, feed; cursor pages), listing detail and feed report; the quota view; restrictions before
publishing, each answered by the service that owns the rule (brand gating: owner, authorised seller, stranger; the
creation quota: a seller whose creation rights are withdrawn; the catalog: an ASIN it does not know). Malformed
requests get a 4xx with a JSON message from every route, never a 500."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import BrandAuthorizationGranted, SellerSalesRecorded
from asinflow_contracts.ids import listing_id
from asinflow_creation_quota.domain.weeks import iso_week, next_week_start
from asinflow_runtime.service import ServiceRuntime

from tests.integration.conftest import QUOTA_CLOCK
from tests.support.brands import registry_event
from tests.support.http import call, get, ok, post
from tests.support.listings import SETTLED, gtin, proposal, publish_proposal, seller, wait_for

pytestmark = pytest.mark.integration


def product(seller_id: str, sku: str, n: int, **fields: Any) -> dict[str, Any]:
    brand = f"Querybrand {uuid.uuid4().hex[:8]}"
    values: dict[str, Any] = {
        "brand": brand,
        "title": f"{brand} travel kettle {uuid.uuid4().hex[:8]}",
        "model_number": None,
        "manufacturer": None,
        "product_type": "KETTLE",
        "identifiers": [{"type": "EAN", "value": gtin(seller_id, n)}],
    }
    return proposal(seller_id, sku, **{**values, **fields})


async def settle(pool, seller_id: str, n: int) -> None:
    query = (
        "SELECT count(*) FROM (SELECT DISTINCT ON (sku) state FROM ledger.versions WHERE seller_id = $1 "
        "ORDER BY sku, version DESC) v WHERE state = ANY($2)"
    )
    await wait_for(pool, query, seller_id, list(SETTLED), predicate=lambda c: c == n, timeout=60)


async def pages(ledger: ServiceRuntime, **query: Any) -> list[list[dict[str, Any]]]:
    """Every page of a listing search, following ``next_cursor``."""
    found, cursor = [], None
    while True:
        page = await ok(get(ledger, "/listings", cursor=cursor, **query))
        found.append(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return found


async def test_the_ledger_searches_pages_shows_and_reports_a_feed(services, producer, pool) -> None:
    ledger = services["lifecycle-ledger"]
    s = seller()
    batch = f"feed-{s}"
    good = [product(s, f"GOOD-{i}", i, batch_id=batch) for i in range(5)]
    wrong_digit = [{"type": "UPC", "value": "036000291453"}]
    bad = [proposal(s, f"BAD-{i}", batch_id=batch, identifiers=wrong_digit) for i in (0, 1)]
    await asyncio.gather(*(publish_proposal(producer, p) for p in good + bad))
    await settle(pool, s, 7)

    active = await pages(ledger, seller_id=s, state="active", limit=2)
    assert [len(p) for p in active] == [2, 2, 1]
    assert [i["sku"] for p in active for i in p] == [f"GOOD-{i}" for i in range(5)]
    assert all(i["asin"] and i["state"] == "active" for p in active for i in p)
    errors = await pages(ledger, seller_id=s, issue_severity="ERROR")
    assert [(i["sku"], i["issues"][0]["code"]) for p in errors for i in p] == [
        ("BAD-0", "IDENTIFIER_INVALID_CHECKSUM"),
        ("BAD-1", "IDENTIFIER_INVALID_CHECKSUM"),
    ]
    assert [i["sku"] for p in await pages(ledger, batch_id=batch, state="rejected", limit=1) for i in p] == [
        "BAD-0",
        "BAD-1",
    ]
    across = await pages(ledger, state="rejected", limit=500)  # every seller's: pages in (seller_id, sku) order
    keys = [(i["seller_id"], i["sku"]) for p in across for i in p]
    assert keys == sorted(keys) and {(s, "BAD-0"), (s, "BAD-1")} <= set(keys)

    detail = await ok(get(ledger, f"/listings/{s}/GOOD-0"))
    assert (detail["listing_id"], detail["state"], detail["version"]) == (str(listing_id(s, "GOOD-0")), "active", 1)
    assert detail["asin"] == active[0][0]["asin"]
    assert [h["to"] for h in detail["history"]][:2] == ["proposed", "validated"] and detail["history"][-1]["to"] == (
        "active"
    )
    status, missing = await get(ledger, f"/listings/{s}/NEVER-PROPOSED")
    assert status == 404 and "error" in missing

    report = await ok(get(ledger, f"/feeds/{batch}/report"))
    assert (report["lines"], report["settled"], report["accepted"], report["invalid"]) == (7, 7, 5, 2)
    assert report["by_code"] == {"IDENTIFIER_INVALID_CHECKSUM": 2}
    assert report["by_state"] == {"active": 5, "rejected": 2}
    assert (await get(ledger, f"/feeds/no-such-feed-{s}/report"))[0] == 404

    activation = await ok(get(services["activation"], f"/listings/{listing_id(s, 'GOOD-0')}"))
    assert (activation["state"], activation["buyable"], activation["discoverable"]) == ("active", True, True)
    item = await ok(get(services["catalog"], f"/items/{detail['asin']}"))
    assert [(o["seller_id"], o["sku"]) for o in item["offers"]] == [(s, "GOOD-0")]


async def test_restrictions_answer_owner_authorised_stranger_withdrawn_seller_and_unknown_asin(
    services, producer, pool
) -> None:
    gating, quota, catalog = services["brand-gating"], services["creation-quota"], services["catalog"]
    friend, stranger, flooder = seller(), seller(), seller()
    event = BrandAuthorizationGranted(brand="Acme", seller_id=friend, by="S-1001")
    assert await registry_event(producer, pool, topics.BRAND_AUTHORIZATION_GRANTED, event) == (True, "")

    answers = {
        who: await ok(get(gating, "/restrictions", seller_id=who_id, brand="ACME"))
        for who, who_id in (("owner", "S-1001"), ("friend", friend), ("stranger", stranger))
    }
    assert {who: (a["may_create"], [r["code"] for r in a["reasons"]]) for who, a in answers.items()} == {
        "owner": (True, ["BRAND_OWNER"]),
        "friend": (True, ["AUTHORIZED"]),
        "stranger": (False, ["APPROVAL_REQUIRED"]),
    }
    [required] = answers["stranger"]["reasons"]
    assert required["amazon_code"] == 5461 and required["evidence"] and required["how_to_request"]
    assert answers["owner"]["gtin_prefixes"] == ["590123412"]

    # a flooding seller: 26 listings created this week (3 units sold) loses creation at the weekly re-evaluation
    sales = SellerSalesRecorded(
        seller_id=flooder, day=QUOTA_CLOCK.now().date(), units=3, revenue=Decimal("12.00"), record_id=uuid.uuid4().hex
    )
    envelope = Envelope(id=uuid.uuid4(), type=topics.SELLER_SALES_RECORDED, source="/tests", subject=flooder)
    await producer.send_and_wait(
        topics.SELLER_SALES_RECORDED,
        sales.model_dump_json().encode(),
        key=flooder.encode(),
        headers=envelope.to_headers(),
    )
    await asyncio.sleep(0.5)
    first = product(flooder, "FLOOD-00", 0)
    await publish_proposal(producer, first)
    await asyncio.gather(*(publish_proposal(producer, {**first, "sku": f"FLOOD-{i:02d}"}) for i in range(1, 26)))
    await settle(pool, flooder, 26)
    view = await ok(get(quota, f"/sellers/{flooder}/quota"))
    week = iso_week(QUOTA_CLOCK.now())
    assert (view["week"], view["limit"], view["used"], view["withdrawn"]) == (week, 26, 26, False)
    used_up = await ok(get(quota, "/restrictions", seller_id=flooder))
    assert (used_up["may_create"], [r["code"] for r in used_up["reasons"]]) == (False, ["CREATION_LIMIT_REACHED"])

    QUOTA_CLOCK.set(next_week_start(QUOTA_CLOCK.now()) + timedelta(hours=1))
    withdrawn = await ok(get(quota, "/restrictions", seller_id=flooder))
    assert (withdrawn["may_create"], withdrawn["withdrawn"]) == (False, True)
    assert [r["code"] for r in withdrawn["reasons"]] == ["CREATION_RIGHTS_WITHDRAWN"]
    assert withdrawn["withdrawn_until"] is not None
    previewed = await ok(post(quota, "/preview", {"seller_id": flooder}))
    assert (previewed["outcome"], previewed["code"]) == ("rejected", "CREATION_RIGHTS_WITHDRAWN")
    assert (await ok(get(quota, "/restrictions", seller_id=stranger)))["may_create"] is True

    asin = await pool.fetchval("SELECT asin FROM ledger.versions WHERE seller_id = $1 AND sku = 'FLOOD-00'", flooder)
    known = await ok(get(catalog, "/restrictions", asin=asin))
    assert (known["exists"], known["may_attach"], known["reasons"]) == (True, True, [])
    unknown = await ok(get(catalog, "/restrictions", asin="B0ZZZZZZZZ"))
    assert (unknown["exists"], unknown["may_attach"], [r["code"] for r in unknown["reasons"]]) == (
        False,
        False,
        ["ASIN_NOT_FOUND"],
    )
    status, body = await get(catalog, "/items/B0ZZZZZZZZ")
    assert (status, body["code"]) == (404, "ASIN_NOT_FOUND")


#: (service, method, path with query, body) -> the 4xx expected; each answer is JSON with an "error".
MALFORMED: list[tuple[str, str, str, Any, int]] = [
    ("lifecycle-ledger", "GET", "/listings?state=bogus", None, 422),
    ("lifecycle-ledger", "GET", "/listings?limit=0", None, 422),
    ("lifecycle-ledger", "GET", "/listings?limit=many", None, 422),
    ("lifecycle-ledger", "GET", "/listings?issue_severity=FATAL", None, 422),
    ("lifecycle-ledger", "GET", "/listings?colour=red", None, 422),
    ("lifecycle-ledger", "GET", "/listings?state=active&state=rejected", None, 400),
    ("lifecycle-ledger", "GET", "/listings?cursor=not-a-cursor", None, 400),
    ("lifecycle-ledger", "GET", "/listings?seller_id=S%00NUL", None, 400),
    ("lifecycle-ledger", "GET", "/listings/S%00/SKU", None, 400),
    ("lifecycle-ledger", "GET", f"/listings/S/{'x' * 300}", None, 422),
    ("lifecycle-ledger", "GET", "/illegal-transitions?limit=-1", None, 422),
    ("lifecycle-ledger", "GET", "/orphans?x=1", None, 422),
    ("lifecycle-ledger", "POST", "/listings", b"{}", 405),
    ("lifecycle-ledger", "GET", "/no-such-route", None, 404),
    ("identifier-validation", "POST", "/preview", b"", 400),
    ("identifier-validation", "POST", "/preview", b"[1, 2", 400),
    ("identifier-validation", "POST", "/preview", b"x" * (1024 * 1024 + 1), 413),
    ("identifier-validation", "GET", "/preview", None, 405),
    ("duplicate-matching", "POST", "/preview", b'{"seller_id": "S-1"}', 422),
    ("duplicate-matching", "POST", "/preview", b'{"seller_id": "S\\u0000"}', 422),
    ("brand-gating", "POST", "/preview", b'{"seller_id": NaN}', 422),
    ("brand-gating", "GET", "/restrictions?seller_id=S-1", None, 422),
    ("brand-gating", "GET", "/restrictions?seller_id=S-1&brand=", None, 422),
    ("brand-gating", "GET", "/orphans?older_than_s=-5", None, 422),
    ("creation-quota", "POST", "/preview", b"{}", 422),
    ("creation-quota", "POST", "/preview", b'{"seller_id": "S-1", "priority": 10000000}', 422),
    ("creation-quota", "GET", "/sellers/S-1/quota?at=yesterday", None, 422),
    ("creation-quota", "GET", "/sellers/S-1/quota?at=2026-11-24T10:00:00", None, 422),
    ("creation-quota", "GET", "/restrictions", None, 422),
    ("catalog", "GET", "/items/not-an-asin", None, 422),
    ("catalog", "GET", "/restrictions?asin=B0", None, 422),
    ("catalog", "POST", "/preview", b'{"listing_id": "nope"}', 422),
    ("activation", "GET", "/listings/not-a-uuid", None, 422),
    ("activation", "GET", f"/listings/{uuid.uuid4()}", None, 404),
    ("activation", "POST", "/preview", b'{"seller_id": "S-1"}', 422),
    ("activation", "POST", "/preview", b'{"quantity": -3}', 422),
]


async def test_malformed_requests_get_a_4xx_with_a_json_message_from_every_route(services) -> None:
    wrong = []
    for service, method, path, body, expected in MALFORMED:
        runtime = services[service]
        assert runtime.server is not None
        status, answer = await call(method, f"{runtime.server.url}{path}", body)
        if status != expected or not (isinstance(answer, dict) and answer.get("error")):
            wrong.append((service, method, path[:80], status, str(answer)[:200]))
    assert wrong == []
