"""The routes the `asinflow` CLI asks instead of reading the services' tables (issue 13, item 3; docs/cli.md):
brand gating's approval requests, brand history and registry-event outcomes; activation's reactivation requests
and refusals; the ledger's proposal states. Each answers what the service recorded, 404 for what it does not
know, and a 4xx with a JSON message for a malformed request."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import pytest
from asinflow_brands import brand_key
from asinflow_cli.publishing import send_event
from asinflow_contracts import topics
from asinflow_contracts.events import (
    ApprovalEvidence,
    BrandApprovalRequested,
    BrandAuthorizationGranted,
    BrandRegistered,
    ListingDeletionRequested,
)
from asinflow_contracts.ids import listing_id

from tests.support.brands import registry_event
from tests.support.cli import asinflow
from tests.support.http import get, ok, post
from tests.support.listings import SETTLED, proposal, publish_proposal, seller, wait_for, wait_for_state

pytestmark = pytest.mark.integration


async def test_brand_gating_answers_requests_history_and_each_events_outcome(services, producer, pool) -> None:
    gating = services["brand-gating"]
    owner, stranger = seller(), seller()
    brand = f"Routebrand {uuid.uuid4().hex[:8]}"
    assert (
        await registry_event(
            producer, pool, topics.BRAND_REGISTERED, BrandRegistered(brand=brand, owner_seller_id=owner)
        )
    )[0]
    refused = BrandAuthorizationGranted(brand=brand, seller_id=stranger, by=stranger)  # not the owner: refused
    assert not (await registry_event(producer, pool, topics.BRAND_AUTHORIZATION_GRANTED, refused))[0]
    request_id = f"AR-{uuid.uuid4().hex[:10].upper()}"
    asked = BrandApprovalRequested(
        request_id=request_id, brand=brand, seller_id=stranger, evidence=ApprovalEvidence(title="A kettle")
    )
    assert (await registry_event(producer, pool, topics.BRAND_APPROVAL_REQUESTED, asked))[0]

    requests = await ok(get(gating, "/approval-requests", brand=brand.upper()))  # any spelling of the brand
    [row] = requests["requests"]
    assert (row["request_id"], row["seller_id"], row["status"]) == (request_id, stranger, "incomplete")
    assert "manufacturer" in row["missing"]
    assert (await ok(get(gating, "/approval-requests", brand=brand, status="approved")))["requests"] == []

    history = await ok(get(gating, f"/brands/{quote(brand, safe='')}/history"))
    assert history["brand_key"] == brand_key(brand)
    assert [(e["event_type"], e["applied"]) for e in history["events"]] == [
        (topics.BRAND_REGISTERED, True),
        (topics.BRAND_AUTHORIZATION_GRANTED, False),
        (topics.BRAND_APPROVAL_REQUESTED, True),
    ]
    refused_event = history["events"][1]
    assert refused_event["reason"] and refused_event["body"]["seller_id"] == stranger

    outcome = await ok(get(gating, f"/registry-events/{refused_event['event_id']}"))
    assert outcome == {"event_id": refused_event["event_id"], "applied": False, "reason": refused_event["reason"]}
    applied = await ok(get(gating, f"/registry-events/{history['events'][0]['event_id']}"))
    assert applied["applied"] is True and applied["reason"] == ""

    status, body = await get(gating, f"/registry-events/{uuid.uuid4()}")
    assert status == 404 and "has not recorded" in body["error"]
    for path, query in (
        ("/registry-events/not-a-uuid", {}),
        ("/approval-requests", {"status": "lost"}),
        ("/approval-requests", {"colour": "red"}),
    ):
        status, body = await get(gating, path, **query)
        assert status in (400, 422) and body["error"], (path, query, status, body)


async def test_approval_requests_filter_by_brand_key_and_seller_and_page_by_request_id(
    services, producer, pool
) -> None:
    gating = services["brand-gating"]
    owner, first, second = seller(), seller(), seller()
    brand = f"Pagebrand {uuid.uuid4().hex[:8]}"
    registered = BrandRegistered(brand=brand, owner_seller_id=owner)
    assert (await registry_event(producer, pool, topics.BRAND_REGISTERED, registered))[0]
    ids = sorted(f"AR-{uuid.uuid4().hex[:10].upper()}" for _ in range(3))
    for request_id, who in zip(ids, (first, second, first), strict=True):
        asked = BrandApprovalRequested(
            request_id=request_id, brand=brand, seller_id=who, evidence=ApprovalEvidence(title="A kettle")
        )
        assert (await registry_event(producer, pool, topics.BRAND_APPROVAL_REQUESTED, asked))[0]
    key = brand_key(brand)

    every = await ok(get(gating, "/approval-requests", brand_key=key))
    assert [r["request_id"] for r in every["requests"]] == ids
    assert {r["brand_key"] for r in every["requests"]} == {key}
    mine = await ok(get(gating, "/approval-requests", brand_key=key, seller_id=first))
    assert [r["request_id"] for r in mine["requests"]] == [ids[0], ids[2]]
    page = await ok(get(gating, "/approval-requests", brand_key=key, limit=2))
    assert [r["request_id"] for r in page["requests"]] == ids[:2]
    rest = await ok(get(gating, "/approval-requests", brand_key=key, limit=2, after=ids[1]))
    assert [r["request_id"] for r in rest["requests"]] == ids[2:]
    status, body = await get(gating, "/approval-requests", brand_key=key, limit=0)
    assert status in (400, 422) and body["error"]


async def test_activation_answers_requests_and_refusals(services, infra, producer, pool) -> None:
    activation = services["activation"]
    s = seller()
    # a deletion of a listing that was never created: activation refuses it, and says so by the event's id
    request = ListingDeletionRequested(seller_id=s, sku="NEVER-1", requested_by=s, reason="")
    key = str(listing_id(s, "NEVER-1"))
    event_id = await send_event(producer, topics.LISTING_DELETION_REQUESTED, key, request, unique=True)
    await wait_for(pool, "SELECT count(*) FROM activation.refusals WHERE event_id = $1", event_id)
    refusal = await ok(get(activation, f"/refusals/{event_id}"))
    assert refusal["event_id"] == str(event_id) and refusal["listing_id"] == key and refusal["reason"]
    status, body = await get(activation, f"/refusals/{uuid.uuid4()}")
    assert status == 404 and "refused no event" in body["error"]

    status, body = await get(activation, "/reactivation-requests/R-NOPE")
    assert status == 404 and "no reactivation request R-NOPE" in body["error"]
    status, _ = await get(activation, "/refusals/not-a-uuid")
    assert status == 422


async def test_a_reactivation_request_names_its_listing_and_why_it_was_refused(services, infra, producer, pool) -> None:
    activation = services["activation"]
    s = seller()
    await publish_proposal(producer, proposal(s, "OK-1"))
    await wait_for_state(pool, s, "OK-1", {"active"})
    out = await asinflow(
        "policy", "reactivate", s, "OK-1", "--fix", "nothing was wrong with it", "--id", f"R-{s}", infra=infra
    )
    assert out.code == 1 and "REFUSED" in out.out, (out.out, out.err)  # an active listing: nothing to reactivate
    found = await ok(get(activation, f"/reactivation-requests/R-{s}"))
    assert (found["seller_id"], found["sku"], found["status"]) == (s, "OK-1", "REFUSED")
    assert found["listing_id"] == str(listing_id(s, "OK-1")) and found["reason"]


async def test_the_ledger_answers_the_state_of_proposals(services, producer, pool) -> None:
    ledger = services["lifecycle-ledger"]
    s = seller()
    good = await publish_proposal(producer, proposal(s, "STATE-1"))
    bad = await publish_proposal(
        producer, proposal(s, "STATE-2", identifiers=[{"type": "UPC", "value": "036000291453"}])
    )
    for sku in ("STATE-1", "STATE-2"):
        await wait_for_state(pool, s, sku, SETTLED)
    unseen = uuid.uuid4()
    answer = await ok(post(ledger, "/proposals/states", {"proposal_ids": [str(good), str(bad), str(unseen)]}))
    states = {r["proposal_id"]: (r["sku"], r["state"]) for r in answer["proposals"]}
    assert states == {str(good): ("STATE-1", "active"), str(bad): ("STATE-2", "rejected")}
    status, body = await post(ledger, "/proposals/states", {"proposal_ids": ["nope"]})
    assert status == 422 and body["error"]
    status, body = await post(ledger, "/proposals/states", {"proposal_ids": [str(uuid.uuid4())] * 10_001})
    assert status in (413, 422) and body["error"]
