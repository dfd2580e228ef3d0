"""Identifier validation's preview on the in-memory store: it answers exactly what the handler then decides for
the same proposal, and changes nothing in the store."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from asinflow_contracts import topics
from asinflow_contracts.events import ListingRejected, ListingValidated
from asinflow_contracts.ids import content_event_id
from asinflow_identifier_validation.adapters.memory import InMemoryValidationStore
from asinflow_identifier_validation.handlers import ValidationHandler
from asinflow_identifier_validation.preview import ValidationPreview, preview
from asinflow_runtime.messages import Unreadable

from tests.unit.validation.builders import child, parent, proposal, proposed

pytestmark = pytest.mark.unit

S = "S-VAL-PREVIEW"


async def preview_then_handle(store: InMemoryValidationStore, data: dict[str, Any]) -> tuple[ValidationPreview, Any]:
    raw = json.dumps(data).encode()
    before = copy.deepcopy(vars(store))
    found = await preview(store, raw, content_event_id(topics.LISTING_PROPOSED, raw))
    assert vars(store) == before, "a preview changes nothing in the store"
    events = await ValidationHandler().handle(store, [proposed(data)])
    payloads = [e.payload for e in events if isinstance(e.payload, ListingValidated | ListingRejected)]
    return found, payloads[0] if payloads else None


async def test_a_valid_proposal_is_previewed_as_validated_with_the_payload_the_handler_emits() -> None:
    store = InMemoryValidationStore()
    found, emitted = await preview_then_handle(store, proposal(S, "OK-1"))
    assert found.outcome == "validated" and isinstance(emitted, ListingValidated)
    assert found.passes_on == emitted
    assert found.proposal_id == emitted.proposal_id


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"identifiers": [{"type": "UPC", "value": "036000291453"}]}, "IDENTIFIER_INVALID_CHECKSUM"),
        ({"identifiers": [{"type": "EAN", "value": "2012345678903"}]}, "IDENTIFIER_NON_TRADE_PREFIX"),
        ({"identifiers": None}, "IDENTIFIER_MISSING"),
        ({"title": None}, "SCHEMA_INVALID"),
    ],
)
async def test_a_rejection_is_previewed_with_the_issues_the_handler_emits(fields: dict[str, Any], code: str) -> None:
    store = InMemoryValidationStore()
    found, emitted = await preview_then_handle(store, proposal(S, f"BAD-{code}", **fields))
    assert isinstance(emitted, ListingRejected) and emitted.code == code
    assert (found.outcome, found.code, found.issues, found.rejection) == ("rejected", code, emitted.issues, emitted)


async def test_a_child_waits_for_its_parent_and_is_previewed_as_its_family_decides() -> None:
    store = InMemoryValidationStore()
    waiting, none = await preview_then_handle(store, child(S, "KID-1", "Black", 1))
    assert (waiting.outcome, waiting.waiting_for, none) == ("waiting_for_parent", "HP-PARENT", None)

    await ValidationHandler().handle(store, [proposed(parent(S))])
    found, emitted = await preview_then_handle(store, child(S, "KID-2", "Red", 2))
    assert found.outcome == "validated" and found.passes_on == emitted


async def test_what_the_pipeline_dead_letters_is_unreadable_for_the_preview() -> None:
    store = InMemoryValidationStore()
    with pytest.raises(Unreadable):
        await preview(store, b"not json", content_event_id(topics.LISTING_PROPOSED, b"not json"))
    with pytest.raises(Unreadable) as caught:
        await preview(store, b'{"title": "no seller"}', content_event_id(topics.LISTING_PROPOSED, b"x"))
    assert caught.value.reason == "unparseable_proposal"
