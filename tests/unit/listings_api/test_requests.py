"""Request mapping of the listings API, without I/O: a PUT body becomes the message `asinflow publish` would send,
the owners' preview answers add up to VALID/INVALID, a seller's feed report holds its own lines only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asinflow_cli.feed import SOURCE as CLI_SOURCE
from asinflow_cli.feed import FeedLine
from asinflow_contracts import topics
from asinflow_contracts.ids import content_event_id, listing_id
from asinflow_contracts.proposal_reading import read_proposal
from asinflow_listings_api.adapters.owners import OwnerAnswer, OwnerUnavailable
from asinflow_listings_api.domain.preview import STAGES
from asinflow_listings_api.domain.proposals import BadRequest, decode_body, proposal
from asinflow_listings_api.domain.views import listing_detail, seller_report
from asinflow_listings_api.previews import preview

pytestmark = pytest.mark.unit

BODY: dict[str, Any] = {
    "title": "Acme Wireless Headphones WH-100",
    "brand": "Acme",
    "product_type": "HEADPHONES",
    "identifiers": [{"type": "UPC", "value": "036000291452"}],
    "quantity": 5,
    "batch_id": "api-1",
}


def test_the_path_names_the_listing_and_the_message_is_what_asinflow_publish_sends() -> None:
    message = proposal("S-1", "SKU/1", BODY)
    assert json.loads(message.raw) == {**BODY, "seller_id": "S-1", "sku": "SKU/1"}
    assert message.listing_id == listing_id("S-1", "SKU/1")
    assert message.event_id == content_event_id(topics.LISTING_PROPOSED, message.raw)
    line = FeedLine(1, message.raw, read_proposal(message.raw))  # the same bytes as a feed line
    assert (line.key, line.event_id) == (message.key, message.event_id)
    cli, api = line.envelope().to_headers(), message.envelope(CLI_SOURCE).to_headers()
    assert [h for h in cli if h[0] != "ce_time"] == [h for h in api if h[0] != "ce_time"]


def test_the_same_proposal_is_the_same_message_whatever_the_key_order() -> None:
    reordered = dict(reversed(list(BODY.items())))
    assert proposal("S-1", "K", BODY).raw == proposal("S-1", "K", reordered).raw
    assert proposal("S-1", "K", BODY).event_id != proposal("S-1", "K", {**BODY, "batch_id": "api-2"}).event_id


def test_seller_and_sku_in_the_body_must_agree_with_the_path() -> None:
    assert proposal("S-1", "K", {**BODY, "seller_id": "S-1", "sku": "K"}).seller_id == "S-1"
    with pytest.raises(BadRequest) as other:
        proposal("S-1", "K", {**BODY, "seller_id": "S-2"})
    assert other.value.status == 422 and "seller_id" in other.value.message


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ([BODY], 400, "JSON object"),
        ("text", 400, "JSON object"),
        ({**BODY, "title": ""}, 422, "title"),
        ({k: v for k, v in BODY.items() if k != "brand"}, 422, "brand: Field required"),
        ({**BODY, "quantity": 10**12}, 422, "quantity"),
        ({**BODY, "extra": "a\x00b"}, 422, "NUL"),
    ],
)
def test_a_proposal_the_pipeline_would_reject_schema_invalid_is_refused_naming_the_field(
    body: Any, status: int, words: str
) -> None:
    with pytest.raises(BadRequest) as refused:
        proposal("S-1", "K", body)
    assert refused.value.status == status
    assert words in refused.value.message


def test_a_body_that_is_not_json_or_too_large_is_refused() -> None:
    for raw, status in ((b"", 400), (b"  ", 400), (b"{", 400), (b"\xff", 400), (b" " * 300_000, 413)):
        with pytest.raises(BadRequest) as refused:
            decode_body(raw)
        assert refused.value.status == status
    assert decode_body(b'{"a": 1}') == {"a": 1}


def test_a_seller_sees_its_own_lines_of_a_feed_and_counts_over_them() -> None:
    error = {"code": "IDENTIFIER_INVALID_CHECKSUM", "severity": "ERROR"}
    report = {
        "batch_id": "f",
        "lines": 3,
        "items": [
            {"seller_id": "S-1", "sku": "A", "state": "active", "asin": "B000000001", "issues": []},
            {"seller_id": "S-2", "sku": "SECRET", "state": "rejected", "asin": None, "issues": [error]},
            {"seller_id": "S-1", "sku": "B", "state": "rejected", "asin": None, "issues": [error]},
        ],
    }
    mine = seller_report(report, "S-1")
    assert mine is not None
    assert [i["sku"] for i in mine["items"]] == ["A", "B"]
    assert (mine["lines"], mine["accepted"], mine["invalid"], mine["errors"], mine["settled"]) == (2, 1, 1, 1, 2)
    assert mine["by_state"] == {"active": 1, "rejected": 1}
    assert mine["by_code"] == {"IDENTIFIER_INVALID_CHECKSUM": 1}
    assert "SECRET" not in json.dumps(mine)
    assert seller_report(report, "S-3") is None


def test_a_listing_carries_its_status_set() -> None:
    ledger = {"state": "active", "seller_id": "S-1"}
    assert listing_detail(ledger, {"buyable": True, "discoverable": True})["status"] == ["BUYABLE", "DISCOVERABLE"]
    assert listing_detail({"state": "suppressed"}, {"buyable": False, "discoverable": False})["status"] == []
    assert listing_detail({"state": "validated"}, None)["status"] == []
    assert listing_detail({"state": "deleted"}, None)["status"] == ["DELETED"]


class FakeOwners:
    """Owners answering their previews from a script: service -> answer body."""

    def __init__(self, answers: dict[str, dict[str, Any]]) -> None:
        self.answers = answers
        self.asked: list[tuple[str, Any]] = []

    async def call(self, method: str, service: str, path: str, **kwargs: Any) -> OwnerAnswer:
        assert (method, path) == ("POST", "/preview")
        self.asked.append((service, kwargs.get("json", kwargs.get("content"))))
        if service not in self.answers:
            raise OwnerUnavailable(service, "not running")
        return OwnerAnswer(200, self.answers[service])


def passes(outcome: str, payload: str, **more: Any) -> dict[str, Any]:
    return {"outcome": outcome, "issues": [], "passes_on": {"from": payload}, **more}


ALL_THE_WAY = {
    "identifier-validation": passes("validated", "validation", issues=[{"code": "W", "severity": "WARNING"}]),
    "duplicate-matching": passes("matched", "matching", asin="B0MATCHED1", match_kind="GTIN"),
    "brand-gating": passes("cleared", "gating"),
    "creation-quota": passes("granted", "quota"),
    "catalog": passes("attach", "catalog", asin="B0MATCHED1"),
    "activation": {"state": "active", "buyable": True, "discoverable": True},
}


async def test_a_preview_asks_every_owner_in_pipeline_order_with_the_previous_ones_payload() -> None:
    owners = FakeOwners(ALL_THE_WAY)
    message = proposal("S-1", "K", BODY)
    answer = await preview(owners, message)
    assert [service for service, _ in owners.asked] == [s.service for s in STAGES]
    assert owners.asked[0][1] == message.raw  # validation reads the proposal as the pipeline does
    assert owners.asked[1][1] == {"from": "validation"}
    assert owners.asked[3][1] == {"listing": {"from": "gating"}}  # the quota is asked {"listing": …}
    assert owners.asked[4][1] == {"from": "quota"}
    assert (answer["result"], answer["outcome"], answer["asin"], answer["match_kind"]) == (
        "VALID",
        "active",
        "B0MATCHED1",
        "GTIN",
    )
    assert answer["issues"] == [{"code": "W", "severity": "WARNING"}]
    assert answer["proposal_id"] == str(message.event_id)


async def test_a_preview_stops_where_the_listing_would_be_rejected_or_wait() -> None:
    rejected = {"outcome": "rejected", "code": "BRAND_APPROVAL_REQUIRED", "issues": [{"code": "X"}], "passes_on": None}
    owners = FakeOwners({**ALL_THE_WAY, "brand-gating": rejected})
    answer = await preview(owners, proposal("S-1", "K", BODY))
    assert [s for s, _ in owners.asked][-1] == "brand-gating"
    assert (answer["result"], answer["outcome"], answer["code"]) == ("INVALID", "rejected", "BRAND_APPROVAL_REQUIRED")

    throttled = {"outcome": "throttled", "capacity_returns_at": "2026-12-07T00:00:00Z", "issues": []}
    answer = await preview(FakeOwners({**ALL_THE_WAY, "creation-quota": throttled}), proposal("S-1", "K", BODY))
    assert (answer["result"], answer["outcome"], answer["throttled_until"]) == (
        "VALID",
        "throttled",
        "2026-12-07T00:00:00Z",
    )


async def test_a_preview_names_the_owner_that_does_not_answer() -> None:
    owners = FakeOwners({k: v for k, v in ALL_THE_WAY.items() if k != "catalog"})
    with pytest.raises(OwnerUnavailable) as missing:
        await preview(owners, proposal("S-1", "K", BODY))
    assert missing.value.service == "catalog"
