"""The identifier-validation handler on the in-memory store: identifiers, exemptions, variation families and
their waiting room (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from asinflow_contracts import topics
from asinflow_contracts.events import ListingRejected, ListingValidated, PolicyViolationReported
from asinflow_contracts.ids import listing_id
from asinflow_identifier_validation import handlers
from asinflow_identifier_validation.adapters.memory import InMemoryValidationStore
from asinflow_identifier_validation.handlers import ValidationHandler
from asinflow_runtime.messages import Incoming, Outgoing

from tests.unit.validation.builders import child, ean13, granted, parent, proposal, proposed, revoked

pytestmark = pytest.mark.unit

S = "S-VAL-1"
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


async def handle(store: InMemoryValidationStore, *items: Incoming) -> list[Outgoing]:
    return await ValidationHandler().handle(store, list(items))


def outcome(events: list[Outgoing], sku: str) -> ListingValidated | ListingRejected:
    [found] = [
        e.payload for e in events if isinstance(e.payload, ListingValidated | ListingRejected) and e.payload.sku == sku
    ]
    return found


def outcomes(events: list[Outgoing]) -> list[tuple[str, str]]:
    return [(e.topic, getattr(e.payload, "sku", "")) for e in events]


async def test_a_valid_proposal_is_validated_normalised_and_recorded() -> None:
    store = InMemoryValidationStore()

    events = await handle(store, item := proposed(proposal(S, "HP-1")))

    [event] = events
    assert (event.topic, event.key) == (topics.LISTING_VALIDATED, str(listing_id(S, "HP-1")))
    assert event.envelope.causation_id == item.event_id
    validated = event.payload
    assert isinstance(validated, ListingValidated)
    assert (validated.gtin14, validated.proposal_id, validated.batch_id) == (
        "00036000291452",
        item.event_id,
        f"batch-{S}",
    )
    assert [i.kind for i in validated.identifiers] == ["UPC-A"]
    assert store.decisions[item.event_id].outcome == topics.LISTING_VALIDATED
    assert store.members[(S, "HP-1")].gtin14 == "00036000291452"


REJECTIONS: list[tuple[str, dict[str, Any], str]] = [
    ("SCHEMA_INVALID", {"title": None}, "title"),
    (
        "IDENTIFIER_INVALID_CHECKSUM",
        {"identifiers": [{"type": "UPC", "value": "036000291453"}]},
        "identifiers[0].value",
    ),
    ("IDENTIFIER_INVALID_FORMAT", {"identifiers": [{"type": "EAN", "value": "40063813339A1"}]}, "identifiers[0].value"),
    (
        "IDENTIFIER_NON_TRADE_PREFIX",
        {"identifiers": [{"type": "EAN", "value": ean13("981234567890")}]},
        "identifiers[0].value",
    ),
    (
        "IDENTIFIER_CONFLICT",
        {"identifiers": [{"type": "UPC", "value": "036000291452"}, {"type": "EAN", "value": "4006381333931"}]},
        "identifiers",
    ),
    ("IDENTIFIER_MISSING", {"identifiers": []}, "identifiers"),
    ("IDENTIFIER_MISSING", {"identifiers": [], "exemption_id": "EX-DOES-NOT-EXIST"}, "exemption_id"),
    ("MULTIPACK_NOT_MANUFACTURER", {"package_quantity": 6, "manufacturer_multipack": False}, "manufacturer_multipack"),
]


@pytest.mark.parametrize(
    ("code", "change", "attribute"), REJECTIONS, ids=[f"{r[0]}-{i}" for i, r in enumerate(REJECTIONS)]
)
async def test_each_rejection_names_its_code_attribute_and_remedy(
    code: str, change: dict[str, Any], attribute: str
) -> None:
    store = InMemoryValidationStore()

    [event] = await handle(store, item := proposed(proposal(S, "SKU-1", **change)))

    rejected = event.payload
    assert isinstance(rejected, ListingRejected) and event.topic == topics.LISTING_REJECTED
    assert (rejected.code, rejected.attribute, rejected.issues[0].severity) == (code, attribute, "ERROR")
    assert rejected.remedy
    recorded = store.decisions[item.event_id]
    assert (recorded.outcome, recorded.code) == (topics.LISTING_REJECTED, code)
    assert store.members == {}


async def test_an_exemption_granted_earlier_in_the_batch_covers_a_proposal_without_gtin() -> None:
    store = InMemoryValidationStore()
    rug = proposal(S, "RUG-01", brand="HEARTH & LOOM", identifiers=[], exemption_id="EX-HL")

    events = await handle(store, proposed(rug), granted("EX-HL", "Hearth & Loom", T0))

    validated = outcome(events, "RUG-01")
    assert isinstance(validated, ListingValidated)
    assert (validated.exemption_id, validated.gtin14) == ("EX-HL", None)
    assert store.exemption_records["EX-HL"].active


async def test_an_exemption_for_another_sku_does_not_cover_the_proposal() -> None:
    store = InMemoryValidationStore()
    await handle(store, granted("EX-HL", "Hearth & Loom", T0, sku="RUG-02"))

    events = await handle(
        store, proposed(proposal(S, "RUG-01", brand="Hearth & Loom", identifiers=[], exemption_id="EX-HL"))
    )

    rejected = outcome(events, "RUG-01")
    assert isinstance(rejected, ListingRejected) and rejected.code == "IDENTIFIER_MISSING"
    assert "covers brand 'Hearth & Loom', SKU 'RUG-02'" in rejected.message


async def test_the_exemption_change_made_last_wins_whatever_the_order_it_arrives_in() -> None:
    store = InMemoryValidationStore()
    rug = proposal(S, "RUG-01", brand="Hearth & Loom", identifiers=[], exemption_id="EX-HL")
    await handle(
        store, revoked("EX-HL", "Hearth & Loom", T0 + timedelta(hours=1)), granted("EX-HL", "Hearth & Loom", T0)
    )

    events = await handle(store, proposed(rug), granted("EX-HL", "Hearth & Loom", T0 + timedelta(minutes=30)))

    assert isinstance(outcome(events, "RUG-01"), ListingRejected)  # revoked at 10:00, after both grants
    assert not store.exemption_records["EX-HL"].active
    await handle(store, granted("EX-HL", "Hearth & Loom", T0 + timedelta(hours=2)))
    assert isinstance(outcome(await handle(store, proposed({**rug, "batch_id": "again"})), "RUG-01"), ListingValidated)


async def test_children_before_their_parent_wait_and_are_released_when_it_is_validated() -> None:
    store = InMemoryValidationStore()

    assert await handle(store, proposed(child(S, "HP-BLK", "Black", 1)), proposed(child(S, "HP-WHT", "White", 2))) == []
    assert sorted(c.sku for c, _ in store.waiting.values()) == ["HP-BLK", "HP-WHT"]
    assert store.decisions == {}

    events = await handle(store, proposed(parent(S)))

    assert outcomes(events) == [
        (topics.LISTING_VALIDATED, "HP-PARENT"),
        (topics.LISTING_VALIDATED, "HP-BLK"),  # oldest first
        (topics.LISTING_VALIDATED, "HP-WHT"),
    ]
    assert store.waiting == {}
    assert {sku for (_, sku) in store.members} == {"HP-PARENT", "HP-BLK", "HP-WHT"}
    released = next(e for e in events if e.payload.sku == "HP-BLK")  # type: ignore[union-attr]
    assert released.envelope.causation_type == topics.LISTING_PROPOSED  # caused by the child's own proposal


async def test_a_child_proposed_with_its_parent_in_one_batch_does_not_wait() -> None:
    store = InMemoryValidationStore()

    events = await handle(store, proposed(child(S, "HP-BLK", "Black", 1)), proposed(parent(S)))

    assert outcomes(events) == [(topics.LISTING_VALIDATED, "HP-PARENT"), (topics.LISTING_VALIDATED, "HP-BLK")]
    assert store.waiting == {}


async def test_siblings_with_the_same_theme_values_are_not_both_children() -> None:
    store = InMemoryValidationStore()

    events = await handle(
        store, proposed(parent(S)), proposed(child(S, "HP-BLK", "Black", 1)), proposed(child(S, "HP-BLK2", "Black", 2))
    )

    assert isinstance(outcome(events, "HP-BLK"), ListingValidated)
    duplicate = outcome(events, "HP-BLK2")
    assert isinstance(duplicate, ListingRejected) and duplicate.code == "VARIATION_INVALID"


async def test_waiting_children_of_a_rejected_parent_are_rejected() -> None:
    store = InMemoryValidationStore()
    await handle(store, proposed(child(S, "HP-BLK", "Black", 1)))

    events = await handle(store, proposed(parent(S, identifiers=[{"type": "UPC", "value": "036000291453"}])))

    assert outcomes(events) == [(topics.LISTING_REJECTED, "HP-PARENT"), (topics.LISTING_REJECTED, "HP-BLK")]
    released = outcome(events, "HP-BLK")
    assert isinstance(released, ListingRejected) and released.code == "VARIATION_INVALID"
    assert "was rejected" in released.message
    assert store.waiting == {}


async def test_a_child_of_a_parent_rejected_earlier_is_rejected_at_once() -> None:
    store = InMemoryValidationStore()
    await handle(store, proposed(parent(S, identifiers=[])))

    events = await handle(store, proposed(child(S, "HP-BLK", "Black", 1)))

    rejected = outcome(events, "HP-BLK")
    assert isinstance(rejected, ListingRejected) and "was rejected" in rejected.message
    assert store.waiting == {}


async def test_a_grandchild_waits_for_its_parent_and_is_released_in_turn() -> None:
    store = InMemoryValidationStore()
    await handle(store, proposed(child(S, "HP-BLK", "Black", 1)))
    await handle(store, proposed(child(S, "HP-BLK-L", "Large", 2, parent_sku="HP-BLK")))
    assert len(store.waiting) == 2

    events = await handle(store, proposed(parent(S)))

    assert [sku for _, sku in outcomes(events)] == ["HP-PARENT", "HP-BLK", "HP-BLK-L"]
    assert store.waiting == {}


async def test_a_newer_model_is_not_a_child() -> None:
    store = InMemoryValidationStore()
    await handle(store, proposed(parent(S)))

    events = await handle(
        store, proposed(child(S, "HP-200", "Black", 12, model_number="WH-200", title="Acme Wireless Headphones WH-200"))
    )

    rejected = outcome(events, "HP-200")
    assert isinstance(rejected, ListingRejected) and rejected.code == "VARIATION_INVALID"
    assert "WH-200" in rejected.message and "WH-100" in rejected.message


async def test_changing_a_live_parent_so_it_no_longer_fits_is_reported_as_variation_abuse() -> None:
    store = InMemoryValidationStore()
    await handle(store, proposed(parent(S)), proposed(child(S, "HP-RED", "Red", 15)))

    events = await handle(store, item := proposed(parent(S, variation={"theme": "Size"}, batch_id="second-feed")))

    assert outcomes(events) == [
        (topics.LISTING_VALIDATED, "HP-PARENT"),
        (topics.POLICY_VIOLATION_REPORTED, "HP-PARENT"),
    ]
    report = events[1].payload
    assert isinstance(report, PolicyViolationReported)
    assert report.kind == "VARIATION_ABUSE" and report.violation_id == f"VARIATION-{str(item.event_id)[:8].upper()}"
    assert any("HP-RED" in line for line in report.evidence)
    assert events[1].envelope.causation_id == item.event_id


async def test_a_child_that_waited_too_long_is_rejected_by_the_tick() -> None:
    now = [T0]
    store = InMemoryValidationStore(clock=lambda: now[0])
    await handle(store, proposed(child(S, "ORPHAN", "Blue", 14)))
    assert await ValidationHandler().expire(store) == []

    now[0] = T0 + timedelta(seconds=handlers.PARENT_WAIT_S + 1)
    events = await ValidationHandler().expire(store)

    rejected = outcome(events, "ORPHAN")
    assert isinstance(rejected, ListingRejected) and rejected.code == "VARIATION_INVALID"
    assert "HP-PARENT" in rejected.message and "was not validated within" in rejected.message
    assert store.waiting == {}
    assert [d.code for d in store.decisions.values()] == ["VARIATION_INVALID"]
