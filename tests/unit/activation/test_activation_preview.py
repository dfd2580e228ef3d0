"""Activation's preview on the in-memory store: the batch's own decision for a listing.created, so it says what the
handler then makes of the listing (active with stock, inactive without, suppressed by an open violation of its
ASIN), and records nothing."""

from __future__ import annotations

import copy
import uuid

import pytest
from asinflow_activation.adapters.memory import InMemoryActivationStore
from asinflow_activation.handlers import ActivationHandler
from asinflow_activation.preview import ActivationPreview, ActivationPreviewRequest, preview
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import ListingCreated, PolicyViolationReported
from asinflow_contracts.ids import listing_id
from asinflow_runtime.intake import receive
from pydantic import BaseModel

from tests.unit.catalog.builders import Record

pytestmark = pytest.mark.unit

SELLER = "S-ACT-PREVIEW"
TOPIC = {ListingCreated: topics.LISTING_CREATED, PolicyViolationReported: topics.POLICY_VIOLATION_REPORTED}


async def send(handler: ActivationHandler, store: InMemoryActivationStore, body: BaseModel, key: str) -> None:
    topic = TOPIC[type(body)]
    envelope = Envelope(id=uuid.uuid4(), type=topic, source="/tests", subject=key)
    record = Record(topic, body.model_dump_json().encode(), key.encode(), headers=tuple(envelope.to_headers()))
    await handler.handle(store, [handler.parse(receive(record))])


def created(sku: str, asin: str, quantity: int | None) -> ListingCreated:
    return ListingCreated(
        listing_id=listing_id(SELLER, sku),
        seller_id=SELLER,
        sku=sku,
        proposal_id=uuid.uuid4(),
        asin=asin,
        new_asin=False,
        quantity=quantity,
    )


async def preview_then_create(
    handler: ActivationHandler, store: InMemoryActivationStore, listing: ListingCreated
) -> tuple[ActivationPreview, str]:
    before = copy.deepcopy(vars(store))
    asked = ActivationPreviewRequest.model_validate(listing.model_dump(mode="json"))
    found = await preview(store, asked, handler.today())
    assert vars(store) == before, "a preview records nothing"
    await send(handler, store, listing, str(listing.listing_id))
    return found, (await store.statuses([listing.listing_id]))[listing.listing_id].state.value


async def test_previews_say_active_inactive_and_suppressed_as_activation_then_decides() -> None:
    handler, store = ActivationHandler(), InMemoryActivationStore()
    report = PolicyViolationReported(
        violation_id="V-ASIN-1",
        asin="B0SUPPRESS",
        kind="COUNTERFEIT",
        reporter="ops",
        scope="ASIN",
        evidence=["order 1"],
    )
    await send(handler, store, report, "B0SUPPRESS")
    for sku, asin, quantity, state in [
        ("IN-STOCK", "B0ACTIVE01", 5, "active"),
        ("NO-STOCK", "B0ACTIVE01", 0, "inactive"),
        ("ON-BAD-ASIN", "B0SUPPRESS", 5, "suppressed"),
    ]:
        found, decided = await preview_then_create(handler, store, created(sku, asin, quantity))
        assert (found.state, decided) == (state, state), sku
        assert found.buyable == (state == "active")
    found, _ = await preview_then_create(handler, store, created("ON-BAD-ASIN-2", "B0SUPPRESS", 1))
    assert [v.violation_id for v in found.suppressed_by] == ["V-ASIN-1"]
