"""The operations the CLI has, over HTTP (the brand registry, brand approval requests, policy reports and
reactivation, quota restores, dead letters): each publishes the event the CLI publishes, with the same key; the
brand's owner decides for its brand; a seller files and reads only its own; bad input is a 4xx with a message."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from asinflow_cli.commands.brand import exemption_id_for
from asinflow_cli.registry_file import message_key as cli_registry_key
from asinflow_contracts import topics
from asinflow_contracts.events import (
    BrandApprovalDecided,
    BrandApprovalRequested,
    BrandAuthorizationGranted,
    BrandAuthorizationRevoked,
    BrandPrefixRegistered,
    BrandRegistered,
    CreationRightsRestored,
    ExemptionGranted,
    ExemptionRevoked,
    PolicyViolationReported,
    ReactivationDecided,
    ReactivationRequested,
    Scope,
)
from asinflow_contracts.ids import listing_id
from asinflow_listings_api.adapters.owners import OwnerAnswer
from asinflow_listings_api.app import Deps, create_app
from fastapi.testclient import TestClient

from tests.support.api_fakes import (
    FakeApprovalRequests,
    FakeDeadLetters,
    Recorder,
    SchemaOwners,
    find_key,
    letter,
    request_row,
)

pytestmark = pytest.mark.unit

SELLER = {"X-Api-Key": "afk_s1"}  # seller S-1
OPERATOR = {"X-Api-Key": "afk_op"}
EVIDENCE = {"title": "Acme Headphones WH-100", "brand": "Acme", "manufacturer": "Acme Corp"}


class Owners(SchemaOwners):
    """Brand gating says who owns which brand; activation knows request R-1 of every listing."""

    owners_of: ClassVar[dict[str, str]] = {"acme": "S-1", "other": "S-2"}

    async def call(self, method: str, service: str, path: str, **kwargs: Any) -> OwnerAnswer:
        if service == "brand-gating" and path == "/restrictions":
            self.calls.append((method, service, path))
            owner = self.owners_of.get(kwargs["params"]["brand"].lower())
            return OwnerAnswer(200, {"registered": owner is not None, "owner_seller_id": owner, "reasons": []})
        if service == "activation":
            self.calls.append((method, service, path))
            return OwnerAnswer(200, {"state": "suppressed", "requests": [{"request_id": "R-1", "status": "PENDING"}]})
        return await super().call(method, service, path, **kwargs)


class Api:
    def __init__(self, client: TestClient, publisher: Recorder, letters: FakeDeadLetters) -> None:
        self.client, self.publisher, self.letters = client, publisher, letters

    def post(self, path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        answer = self.client.post(path, json=body, headers=headers)
        return answer.status_code, answer.json()

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, Any]:
        answer = self.client.get(path, headers=headers)
        return answer.status_code, answer.json()

    def one_sent(self) -> tuple[str, str, Any, bool]:
        [sent] = self.publisher.sent
        self.publisher.sent.clear()
        assert isinstance(sent, tuple)
        return sent


REQUESTS = [
    request_row("AR-1", "S-1", "Other"),
    request_row("AR-2", "S-2", "Acme"),
    request_row("AR-3", "S-3", "Acme", "approved"),
    request_row("AR-4", "S-2", "Other"),
]


@pytest.fixture
def api() -> Iterator[Api]:
    publisher = Recorder()
    letters = FakeDeadLetters([letter(1), letter(2, "TOO_LARGE"), letter(3, topic=topics.INVENTORY_UPDATED)])
    deps = Deps(find_key, Owners(), publisher, FakeApprovalRequests(REQUESTS), letters)
    with TestClient(create_app(deps), raise_server_exceptions=False) as client:
        yield Api(client, publisher, letters)


def test_a_seller_files_an_approval_request_as_asinflow_brand_request_does(api: Api) -> None:
    body = {"brand": "Acme", "evidence": EVIDENCE, "skus": ["K-1"]}
    status, answer = api.post("/sellers/S-1/approval-requests", body, SELLER)
    assert status == 202, answer
    topic, key, event, unique = api.one_sent()
    assert isinstance(event, BrandApprovalRequested)
    assert topic == topics.BRAND_APPROVAL_REQUESTED
    assert (event.seller_id, event.brand, event.skus) == ("S-1", "Acme", ["K-1"])
    assert key == cli_registry_key(event) and not unique
    assert answer["id"] == event.request_id and answer["event"] == topic
    # the same body again is the same request (a retry is safe); another body another one; an id of one's own
    assert api.post("/sellers/S-1/approval-requests", body, SELLER)[1]["id"] == event.request_id
    api.one_sent()
    assert api.post("/sellers/S-1/approval-requests", {**body, "skus": None}, SELLER)[1]["id"] != event.request_id
    api.one_sent()
    assert api.post("/sellers/S-1/approval-requests", {**body, "request_id": "MY-1"}, SELLER)[1]["id"] == "MY-1"
    api.one_sent()


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"evidence": EVIDENCE}, 422, "brand"),
        ({"brand": "Acme"}, 422, "evidence"),
        ({"brand": "Acme", "evidence": EVIDENCE, "colour": "red"}, 422, "colour"),
        ({"brand": "Acme", "evidence": {"images": [{"url": ""}]}}, 422, "images"),
        ({"brand": "Acme", "evidence": EVIDENCE, "request_id": "a/b"}, 422, "request_id"),
        ({"brand": "Acme", "evidence": EVIDENCE, "request_id": "\x00"}, 422, "request_id"),
    ],
)
def test_a_bad_approval_request_is_refused_naming_the_field(api: Api, body: Any, status: int, words: str) -> None:
    got, answer = api.post("/sellers/S-1/approval-requests", body, SELLER)
    assert got == status, answer
    assert words in answer["error"]
    assert api.publisher.sent == []


def test_a_seller_lists_its_own_requests_and_the_brands_owner_every_sellers(api: Api) -> None:
    status, page = api.get("/sellers/S-1/approval-requests", SELLER)
    assert (status, [r["request_id"] for r in page["items"]]) == (200, ["AR-1"])
    assert api.get("/sellers/S-1/approval-requests?brand=Acme", SELLER)[1]["items"] == []
    assert api.get("/sellers/S-2/approval-requests", SELLER)[0] == 403
    # S-1 owns Acme: it sees every seller's requests for Acme, and only for Acme
    status, page = api.get("/brands/Acme/approval-requests", SELLER)
    assert (status, [r["request_id"] for r in page["items"]]) == (200, ["AR-2", "AR-3"])
    assert [r["request_id"] for r in api.get("/brands/Acme/approval-requests?status=pending", SELLER)[1]["items"]] == [
        "AR-2"
    ]
    status, refused = api.get("/brands/Other/approval-requests", SELLER)  # S-2's brand
    assert status == 403 and "S-1" in refused["error"] and "owner" in refused["error"]
    assert "AR-4" not in str(refused)
    assert api.get("/brands/Nobody/approval-requests", SELLER)[0] == 403  # not registered: nobody's
    # an operator sees every brand's; pages follow the cursor
    status, first = api.get("/brands/Other/approval-requests?limit=1", OPERATOR)
    assert (status, [r["request_id"] for r in first["items"]], first["next_cursor"]) == (200, ["AR-1"], "AR-1")
    second = api.get(f"/brands/Other/approval-requests?limit=1&cursor={first['next_cursor']}", OPERATOR)[1]
    assert ([r["request_id"] for r in second["items"]], second["next_cursor"]) == (["AR-4"], None)


def test_the_brands_owner_or_an_operator_decides_a_request(api: Api) -> None:
    body = {"decision": "approved", "reason": "invoices check out"}
    status, answer = api.post("/brands/Acme/approval-requests/AR-2/decision", body, SELLER)
    assert status == 202, answer
    topic, key, event, _ = api.one_sent()
    assert isinstance(event, BrandApprovalDecided)
    assert (topic, event.request_id, event.brand, event.decision, event.by) == (
        topics.BRAND_APPROVAL_DECIDED,
        "AR-2",
        "Acme",
        "approved",
        "S-1",  # the owner's seller id: brand gating checks it owns the brand
    )
    assert key == cli_registry_key(event)
    assert api.post("/brands/Other/approval-requests/AR-4/decision", body, OPERATOR)[0] == 202
    assert api.one_sent()[2].by == "operator"
    status, refused = api.post("/brands/Other/approval-requests/AR-4/decision", body, SELLER)
    assert status == 403 and "owner" in refused["error"]
    assert api.post("/brands/Acme/approval-requests/AR-2/decision", {"decision": "maybe"}, SELLER)[0] == 422
    assert api.publisher.sent == []


def test_a_policy_report_is_the_event_asinflow_policy_report_publishes(api: Api) -> None:
    body = {"kind": "COUNTERFEIT", "seller_id": "S-2", "sku": "K/2", "evidence": ["test buy"], "violation_id": "V-1"}
    status, answer = api.post("/policy-violations", body, OPERATOR)
    assert status == 202, answer
    topic, key, event, _ = api.one_sent()
    assert isinstance(event, PolicyViolationReported)
    assert (topic, key, event.scope, event.violation_id) == (
        topics.POLICY_VIOLATION_REPORTED,
        str(listing_id("S-2", "K/2")),
        Scope.LISTING,
        "V-1",
    )
    assert event.reporter == "operator:key_op" and answer["location"] == "/listings/S-2/K%2F2"
    by_asin = {"kind": "IP_COMPLAINT", "asin": "B000000001", "evidence": ["notice"], "reporter": "rights owner"}
    assert api.post("/policy-violations", by_asin, OPERATOR)[0] == 202
    topic, key, event, _ = api.one_sent()
    assert (key, event.scope, event.reporter) == ("B000000001", Scope.ASIN, "rights owner")
    for wrong in ({**by_asin, "seller_id": "S-2", "sku": "K"}, {**by_asin, "asin": None}):
        status, refused = api.post("/policy-violations", wrong, OPERATOR)
        assert status == 400 and "asin" in refused["error"]
    assert api.post("/policy-violations", {**by_asin, "evidence": []}, OPERATOR)[0] == 422
    assert api.post("/policy-violations", {**by_asin, "kind": "RUDE"}, OPERATOR)[0] == 422
    assert api.post("/policy-violations", by_asin, SELLER)[0] == 403
    assert api.publisher.sent == []


def test_a_seller_requests_reactivation_of_its_listing_and_an_operator_decides(api: Api) -> None:
    body = {"root_cause_fix": "the supplier was replaced", "violation_ids": ["V-1"], "evidence": ["invoice 7"]}
    status, answer = api.post("/listings/S-1/K%2F1/reactivation-requests", body, SELLER)
    assert status == 202, answer
    topic, key, event, _ = api.one_sent()
    assert isinstance(event, ReactivationRequested)
    assert (topic, key, event.seller_id, event.sku) == (
        topics.REACTIVATION_REQUESTED,
        str(listing_id("S-1", "K/1")),
        "S-1",
        "K/1",
    )
    assert answer["id"] == event.request_id
    assert api.post("/listings/S-1/K/reactivation-requests", {"root_cause_fix": "short"}, SELLER)[0] == 422
    assert api.post("/listings/S-1/K/reactivation-requests/R-1/decision", {"approved": True}, SELLER)[0] == 403

    decision = {"approved": True, "note": "fixed"}
    status, answer = api.post("/listings/S-1/K%2F1/reactivation-requests/R-1/decision", decision, OPERATOR)
    assert status == 202, answer
    topic, key, event, _ = api.one_sent()
    assert isinstance(event, ReactivationDecided)
    assert (topic, key, event.request_id, event.approved, event.decided_by) == (
        topics.REACTIVATION_DECIDED,
        str(listing_id("S-1", "K/1")),
        "R-1",
        True,
        "operator:key_op",
    )
    status, missing = api.post("/listings/S-1/K/reactivation-requests/R-9/decision", decision, OPERATOR)
    assert status == 404 and "R-9" in missing["error"]
    assert api.publisher.sent == []


def test_an_operator_restores_creation_rights(api: Api) -> None:
    status, answer = api.post("/sellers/S-2/quota/restore", {"reason": "appeal granted"}, OPERATOR)
    assert status == 202, answer
    topic, key, event, unique = api.one_sent()
    assert isinstance(event, CreationRightsRestored)
    assert (topic, key, event.seller_id, event.operator, unique) == (
        topics.SELLER_CREATION_RESTORED,
        "S-2",
        "S-2",
        "operator:key_op",
        True,  # restored again after the next withdrawal: a new event, as the CLI's
    )
    assert api.post("/sellers/S-2/quota/restore", {"reason": ""}, OPERATOR)[0] == 422
    status, refused = api.post("/sellers/S-1/quota/restore", {"reason": "please"}, SELLER)
    assert status == 403 and refused["error"].startswith("only an operator may restore creation rights")


def test_an_operator_lists_and_replays_dead_letters(api: Api) -> None:
    status, listed = api.get("/dead-letters", OPERATOR)
    assert (status, listed["count"]) == (200, 3)
    assert {"ref", "reason", "error", "service", "original_topic", "value"} <= set(listed["items"][0])
    assert api.get("/dead-letters?reason=TOO_LARGE", OPERATOR)[1]["count"] == 1
    assert api.get(f"/dead-letters?topic={topics.INVENTORY_UPDATED}", OPERATOR)[1]["count"] == 1
    first = listed["items"][0]["ref"]
    status, replayed = api.post("/dead-letters/replay", {"refs": [first, "nope:0:1"]}, OPERATOR)
    assert (status, replayed["replayed"], replayed["unknown"]) == (200, [first], ["nope:0:1"])
    assert [x.ref for x in api.letters.replayed] == [first]
    assert len(api.post("/dead-letters/replay", {"reason": "SCHEMA_INVALID"}, OPERATOR)[1]["replayed"]) == 2
    status, refused = api.post("/dead-letters/replay", {}, OPERATOR)
    assert status == 400 and "refs" in refused["error"]
    for path, method in (("/dead-letters", "GET"), ("/dead-letters/replay", "POST")):
        answer = api.client.request(method, path, json={"all": True}, headers=SELLER)
        assert answer.status_code == 403 and "every seller's messages" in answer.json()["error"]


def test_an_operator_registers_a_brand_as_asinflow_brand_register_does(api: Api) -> None:
    body = {"brand": "Halvard Audio", "owner_seller_id": "S-3"}
    status, answer = api.post("/brands", body, OPERATOR)
    assert status == 202, answer
    topic, key, event, unique = api.one_sent()
    assert isinstance(event, BrandRegistered)
    assert (topic, event.brand, event.owner_seller_id, event.by) == (
        topics.BRAND_REGISTERED,
        "Halvard Audio",
        "S-3",
        "operator",
    )
    assert key == cli_registry_key(event) and unique  # a new event each time, as the CLI's
    assert (answer["event"], answer["id"]) == (topic, key)
    assert answer["location"] == "/restrictions?seller=S-3&brand=Halvard+Audio"
    status, refused = api.post("/brands", body, SELLER)
    assert status == 403 and refused["error"].startswith("only an operator may register a brand")
    assert api.post("/brands", {"brand": "Halvard"}, OPERATOR)[0] == 422  # no owner
    assert api.post("/brands", {**body, "by": "S-3"}, OPERATOR)[0] == 422  # who acts comes from the key
    assert api.publisher.sent == []


def test_the_brands_owner_or_an_operator_authorises_and_revokes_sellers(api: Api) -> None:
    status, answer = api.post("/brands/Acme/authorizations", {"seller_id": "S-9", "skus": ["K-1"]}, SELLER)
    assert status == 202, answer
    topic, key, event, unique = api.one_sent()
    assert isinstance(event, BrandAuthorizationGranted)
    assert (topic, event.brand, event.seller_id, event.skus, event.by) == (
        topics.BRAND_AUTHORIZATION_GRANTED,
        "Acme",
        "S-9",
        ["K-1"],
        "S-1",  # the owner's seller id: brand gating checks it owns the brand
    )
    assert key == cli_registry_key(event) and unique and answer["location"] == "/restrictions?seller=S-9&brand=Acme"
    assert api.post("/brands/Other/authorizations", {"seller_id": "S-9"}, OPERATOR)[0] == 202
    assert api.one_sent()[2].by == "operator"

    answer = api.client.delete("/brands/Acme/authorizations/S-9?reason=expired", headers=SELLER)
    assert answer.status_code == 202, answer.text
    topic, key, event, unique = api.one_sent()
    assert isinstance(event, BrandAuthorizationRevoked)
    assert (topic, event.brand, event.seller_id, event.by, event.reason) == (
        topics.BRAND_AUTHORIZATION_REVOKED,
        "Acme",
        "S-9",
        "S-1",
        "expired",
    )
    assert key == cli_registry_key(event) and unique
    # another seller's brand, or one nobody registered: refused with the reason, nothing published
    status, refused = api.post("/brands/Other/authorizations", {"seller_id": "S-1"}, SELLER)
    assert status == 403 and "owner" in refused["error"] and "S-1" in refused["error"]
    assert api.client.delete("/brands/Nobody/authorizations/S-9", headers=SELLER).status_code == 403
    assert api.post("/brands/Acme/authorizations", {"seller_id": ""}, SELLER)[0] == 422
    assert api.publisher.sent == []


def test_the_brands_owner_registers_a_gs1_prefix(api: Api) -> None:
    status, answer = api.post("/brands/Acme/prefixes", {"prefix": "0614141"}, SELLER)
    assert status == 202, answer
    topic, key, event, unique = api.one_sent()
    assert isinstance(event, BrandPrefixRegistered)
    assert (topic, event.brand, event.prefix, event.by, answer["id"]) == (
        topics.BRAND_PREFIX_REGISTERED,
        "Acme",
        "0614141",
        "S-1",
        "0614141",
    )
    assert key == cli_registry_key(event) and unique
    status, refused = api.post("/brands/Acme/prefixes", {"prefix": "12345"}, SELLER)
    assert status == 422 and "prefix" in refused["error"]
    assert api.post("/brands/Other/prefixes", {"prefix": "0614141"}, SELLER)[0] == 403
    assert api.post("/brands/Other/prefixes", {"prefix": "0614141"}, OPERATOR)[0] == 202
    assert api.one_sent()[2].by == "operator"
    assert api.publisher.sent == []


def test_an_operator_grants_and_revokes_gtin_exemptions(api: Api) -> None:
    status, answer = api.post("/brands/Acme/exemptions", {"sku": "K-1", "seller_id": "S-2"}, OPERATOR)
    assert status == 202, answer
    topic, key, event, unique = api.one_sent()
    assert isinstance(event, ExemptionGranted)
    assert (topic, event.brand, event.sku, event.seller_id) == (topics.EXEMPTION_GRANTED, "Acme", "K-1", "S-2")
    assert event.exemption_id == exemption_id_for("Acme", "K-1", "S-2") == answer["id"]  # the CLI's id
    assert key == cli_registry_key(event) and unique
    assert api.post("/brands/Acme/exemptions", {}, OPERATOR)[1]["id"] == exemption_id_for("Acme", None, None)
    api.one_sent()

    answer = api.client.delete(f"/brands/Acme/exemptions/{event.exemption_id}?reason=lapsed", headers=OPERATOR)
    assert answer.status_code == 202, answer.text
    topic, key, revoked, unique = api.one_sent()
    assert isinstance(revoked, ExemptionRevoked)
    assert (topic, revoked.exemption_id, revoked.brand, revoked.reason, revoked.by) == (
        topics.EXEMPTION_REVOKED,
        event.exemption_id,
        "Acme",
        "lapsed",
        "operator",
    )
    assert key == cli_registry_key(revoked) and unique
    # operators only, even for the brand's owner
    status, refused = api.post("/brands/Acme/exemptions", {}, SELLER)
    assert status == 403 and refused["error"].startswith("only an operator may grant a GTIN exemption")
    answer = api.client.delete("/brands/Acme/exemptions/EX-1", headers=SELLER)
    assert answer.status_code == 403 and answer.json()["error"].startswith("only an operator may revoke")
    assert api.post("/brands/Acme/exemptions", {"colour": "red"}, OPERATOR)[0] == 422
    assert api.publisher.sent == []
