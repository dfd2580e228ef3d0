"""Activation's decision for one listing about to be created, without its effects: active, inactive or
suppressed, and what buyers would see.

What the handler loads for a ``listing.created`` is loaded through the store port (the listing's status if an
earlier version exists, its known stock, the open violations of its ASIN), and the batch's pure decision
(``domain.batch.decide``) applies the creation. Nothing is saved or emitted: the caller gets the state, the
visibility, the violations that would suppress it and the events the service would emit.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Self

from asinflow_contracts import topics
from asinflow_contracts.base import Asin, Id, Quantity
from asinflow_contracts.events import ListingCreated
from asinflow_contracts.ids import caused_event_id, listing_id
from pydantic import BaseModel, ConfigDict, Field, model_validator

from asinflow_activation.domain.batch import Event, Known, decide
from asinflow_activation.store import ActivationStore

#: Names the preview uses for what the request leaves out (they name no real listing or item).
STAND_IN_ID = "(preview)"
STAND_IN_ASIN = "B000000000"


class ActivationPreviewRequest(BaseModel):
    """A listing about to be created: a `listing.created` payload (the catalog's preview's `passes_on`) or only
    some of its fields (other fields are ignored)."""

    model_config = ConfigDict(extra="ignore")

    quantity: Quantity | None = Field(default=None, description="Sellable quantity given in the proposal.")
    asin: Asin | None = Field(default=None, description="The ASIN it would be created on (its violations count).")
    seller_id: Id | None = Field(
        default=None, description="The seller (with `sku`: an existing listing's stock and violations count)."
    )
    sku: Id | None = Field(default=None, description="The SKU.")
    proposal_id: uuid.UUID | None = Field(default=None, description="The listing version.")

    @model_validator(mode="after")
    def _names_a_listing_whole(self) -> Self:
        if (self.seller_id is None) != (self.sku is None):
            raise ValueError("give both seller_id and sku, or neither")
        return self


class OpenViolation(BaseModel):
    """A violation open on the listing or its ASIN."""

    violation_id: str = Field(description="The report.")
    kind: str = Field(description="COUNTERFEIT, IP_COMPLAINT, …")
    enforcement: str = Field(description="LISTING_SUPPRESSED, SEARCH_SUPPRESSED or CATALOG_ITEM_REMOVED.")
    scope: str = Field(description="LISTING or ASIN.")
    exempt_until: str | None = Field(default=None, description="Not enforced before this day (ISO 8601).")


class EmittedEvent(BaseModel):
    """An event the service would emit."""

    event_type: str = Field(description="Its topic, e.g. asinflow.listing.activated.v1.")
    payload: dict[str, Any] = Field(description="Its body.")


class ActivationPreview(BaseModel):
    """What activation would make of this listing if it were created now. Nothing is recorded or emitted."""

    state: str = Field(description="active (in stock), inactive (no stock) or suppressed (an open violation).")
    buyable: bool = Field(description="Buyers could purchase it.")
    discoverable: bool = Field(description="It would show in search and browse.")
    quantity: int | None = Field(default=None, description="The quantity it would have (stock known first wins).")
    reason: str | None = Field(
        default=None, description="CREATED_WITH_STOCK, OUT_OF_STOCK, or the kind of the violation suppressing it."
    )
    suppressed_by: list[OpenViolation] = Field(
        default_factory=list, description="The open violations (of the listing or its ASIN) that would suppress it."
    )
    events: list[EmittedEvent] = Field(default_factory=list, description="The events it would emit, in order.")
    refusals: list[str] = Field(default_factory=list, description="Attempts that would be refused, with the reason.")


async def preview(store: ActivationStore, asked: ActivationPreviewRequest, today: date) -> ActivationPreview:
    seller_id, sku = asked.seller_id or STAND_IN_ID, asked.sku or STAND_IN_ID
    lid = listing_id(seller_id, sku)
    real = asked.seller_id is not None
    created = ListingCreated(
        listing_id=lid,
        seller_id=seller_id,
        sku=sku,
        proposal_id=asked.proposal_id or caused_event_id(lid, "preview"),
        asin=asked.asin or STAND_IN_ASIN,
        new_asin=False,
        quantity=asked.quantity,
    )
    # load, as the handler does for a listing.created
    known = Known(
        statuses=await store.statuses([lid]) if real else {},
        stock=await store.stock([lid]) if real else {},
        asin_violations=await store.open_asin_violations([asked.asin]) if asked.asin else {},
        requests={},
    )
    # decide
    event_id = caused_event_id(created.proposal_id, topics.LISTING_CREATED)
    decided = decide([Event(event_id, topics.LISTING_CREATED, created)], known, today)
    status = decided.changes.statuses[lid]
    buyable, discoverable = status.visibility(today)
    events = [
        EmittedEvent(event_type=e.envelope.type, payload=e.payload.model_dump(mode="json")) for e in decided.emitted
    ]
    return ActivationPreview(
        state=status.state.value,
        buyable=buyable,
        discoverable=discoverable,
        quantity=status.quantity,
        reason=next((str(e.payload["reason"]) for e in events if "reason" in e.payload), None),
        suppressed_by=[
            OpenViolation(
                violation_id=v.violation_id,
                kind=v.kind.value,
                enforcement=v.enforcement.value,
                scope=v.scope.value,
                exempt_until=v.exempt_until.isoformat() if v.exempt_until else None,
            )
            for v in status.violations.values()
        ],
        events=events,
        refusals=[r.reason for r in decided.changes.refusals],
    )
