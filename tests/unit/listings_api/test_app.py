"""The listings API's routes over fakes (no broker, no database, no owners running): authentication, refusals
as JSON with a reason, a seller never reaching another seller's data, bad input answered 4xx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from asinflow_contracts import topics
from asinflow_listings_api.adapters.owners import OwnerAnswer
from asinflow_listings_api.app import Deps, create_app
from asinflow_listings_api.bootstrap import offline_app
from asinflow_listings_api.openapi import text
from asinflow_runtime.upstream import Proposal
from fastapi.testclient import TestClient

from tests.support.api import OPENAPI, aimed_at, operations
from tests.support.api_fakes import FakeApprovalRequests, FakeDeadLetters, Recorder, find_key, letter, request_row

pytestmark = pytest.mark.unit

BODY = {"title": "Acme Headphones", "brand": "Acme", "product_type": "HEADPHONES", "quantity": 1}


class Owners:
    """Every owner answers 200 with the seller it was asked about: a leak would show."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    async def call(self, method: str, service: str, path: str, **kwargs: Any) -> OwnerAnswer:
        self.calls.append((method, service, path))
        return OwnerAnswer(200, {"path": path, "params": kwargs.get("params"), "items": []})


OPERATORS_ONLY = {
    "/dead-letters",
    "/dead-letters/replay",
    "/policy-violations",
    "/sellers/{seller}/quota/restore",
    "/listings/{seller}/{sku}/reactivation-requests/{request_id}/decision",
    "/brands",
    "/brands/{brand}/exemptions",
    "/brands/{brand}/exemptions/{exemption_id}",
}
REQUESTS = [request_row("AR-1", "S-1"), request_row("AR-2", "S-2"), request_row("AR-3", "S-2", "Other")]


@pytest.fixture
def api() -> Iterator[tuple[TestClient, Owners, Recorder]]:
    owners, publisher = Owners(), Recorder()
    deps = Deps(find_key, owners, publisher, FakeApprovalRequests(REQUESTS), FakeDeadLetters([letter(1), letter(2)]))
    with TestClient(create_app(deps), raise_server_exceptions=False) as client:
        yield client, owners, publisher


def test_the_committed_openapi_document_is_current() -> None:
    assert OPENAPI.read_text() == text(offline_app()), "docs/openapi.json is stale: run `make openapi`"


def test_no_key_or_an_unknown_one_is_401_with_a_reason(api: tuple[TestClient, Owners, Recorder]) -> None:
    client, owners, _ = api
    for headers in ({}, {"Authorization": "Bearer afk_nope"}, {"X-Api-Key": "afk_nope"}, {"Authorization": "Basic x"}):
        answer = client.get("/listings/S-1/K", headers=headers)
        assert answer.status_code == 401, headers
        assert answer.json()["error"] and answer.headers["www-authenticate"].startswith("Bearer")
    assert owners.calls == []
    assert client.get("/sellers/S-1/quota", headers={"X-Api-Key": "afk_s1"}).status_code == 200


def test_every_route_refuses_a_seller_another_sellers_data_before_asking_anyone(
    api: tuple[TestClient, Owners, Recorder],
) -> None:
    client, owners, publisher = api
    calls = aimed_at("S-2", "K-2", "feed-2", "Acme", BODY)
    walked = {(c.method.lower(), c.template) for c in calls}
    assert walked == {(m, t) for m, t, _ in operations()}  # every operation of the document, new ones too
    assert {c.path.split("?")[0].split("/")[1] for c in calls} >= {
        "listings",
        "restrictions",
        "sellers",
        "feeds",
        "brands",
        "policy-violations",
        "dead-letters",
    }
    for call in calls:
        answer = client.request(call.method, call.path, json=call.body, headers={"Authorization": "Bearer afk_s1"})
        error = answer.json()["error"]
        if call.path.startswith("/feeds/"):  # not one seller's: filtered to the caller's lines (none here)
            assert answer.status_code == 404, (call, answer.text)
            continue
        assert answer.status_code == 403, (call, answer.text)
        if call.template in OPERATORS_ONLY:  # even for the caller's own data
            assert error.startswith("only an operator may"), (call, error)
        elif call.template.startswith("/brands/"):  # the brand's owner (not known to the fake) or an operator
            assert "S-1" in error and "owner" in error, (call, error)
        else:
            assert "S-1" in error and "S-2" in error, (call, error)
    # nothing asked but the ledger (feed report, filtered) and the registry (who owns the brand)
    assert {c[1] for c in owners.calls} <= {"lifecycle-ledger", "brand-gating"}
    assert all(path == "/restrictions" for _, service, path in owners.calls if service == "brand-gating")
    assert publisher.sent == []


def test_an_operator_reaches_every_seller(api: tuple[TestClient, Owners, Recorder]) -> None:
    client, _, publisher = api
    for call in aimed_at("S-2", "K-2", "feed-2", "Acme", BODY):
        answer = client.request(call.method, call.path, json=call.body, headers={"X-Api-Key": "afk_op"})
        assert answer.status_code < 500, (call, answer.text)
        assert answer.status_code not in (401, 403), (call, answer.text)
    assert any(isinstance(sent, Proposal) for sent in publisher.sent)
    published = {sent[0] for sent in publisher.sent if isinstance(sent, tuple)}
    assert published >= {
        topics.LISTING_DELETION_REQUESTED,
        topics.BRAND_APPROVAL_REQUESTED,
        topics.BRAND_APPROVAL_DECIDED,
        topics.POLICY_VIOLATION_REPORTED,
        topics.REACTIVATION_REQUESTED,
        topics.SELLER_CREATION_RESTORED,
        *topics.BRAND_REGISTRY_TOPICS,
    }


def test_a_submission_is_published_and_answered_202(api: tuple[TestClient, Owners, Recorder]) -> None:
    client, _, publisher = api
    answer = client.put("/listings/S-1/K%2F1", json=BODY, headers={"X-Api-Key": "afk_s1"})
    assert answer.status_code == 202, answer.text
    [sent] = publisher.sent
    assert isinstance(sent, Proposal)
    assert answer.json()["proposal_id"] == str(sent.event_id)
    assert answer.json()["listing_id"] == str(sent.listing_id)
    assert (sent.seller_id, sent.sku) == ("S-1", "K/1")


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/listings?state=nonsense", None, 422),
        ("GET", "/listings?limit=0", None, 422),
        ("GET", "/listings?issue_severity=LOUD", None, 422),
        ("GET", "/restrictions?brand=Acme&asin=B000000001", None, 400),
        ("GET", "/restrictions", None, 400),
        ("GET", "/restrictions?asin=nope", None, 422),
        ("PUT", "/listings/S-1/K", {"title": 1}, 422),
        ("PUT", "/listings/S-1/K?mode=dry", BODY, 422),
        ("PUT", "/listings/S-1/K", [1, 2], 400),
        ("GET", "/listings/S-1/%00", None, 422),
        ("GET", "/nowhere", None, 404),
        ("POST", "/listings", None, 405),
    ],
)
def test_bad_input_is_4xx_with_a_message(
    api: tuple[TestClient, Owners, Recorder], method: str, path: str, body: Any, status: int
) -> None:
    client, _, publisher = api
    answer = client.request(method, path, json=body, headers={"X-Api-Key": "afk_s1"})
    assert answer.status_code == status, answer.text
    assert isinstance(answer.json()["error"], str) and answer.json()["error"]
    assert publisher.sent == []


def test_a_non_json_body_and_an_oversized_one_are_refused(api: tuple[TestClient, Owners, Recorder]) -> None:
    client, _, _ = api
    headers = {"X-Api-Key": "afk_s1", "content-type": "application/json"}
    assert client.put("/listings/S-1/K", content=b"{nope", headers=headers).status_code == 400
    assert client.put("/listings/S-1/K", content=b"x" * 300_000, headers=headers).status_code == 413
