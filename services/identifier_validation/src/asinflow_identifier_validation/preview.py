"""The validation decision for one proposal without its effects: what the pipeline would decide for it now.

The proposal is read as the handler reads a message (``handlers.ValidationHandler.parse``), what deciding it
needs is loaded through the service's store port (its copy of the exemptions, the variation family it knows,
whether the parent's latest proposal was rejected), and the batch's own pure decision (``domain.batch.decide``)
decides it as a batch of one. Nothing is saved or emitted: the caller gets the outcome, the issues and the
``listing.validated`` payload the service would pass on (the input of duplicate matching's preview).
"""

from __future__ import annotations

import uuid
from typing import Literal

from asinflow_contracts import topics
from asinflow_contracts.bounds import might_break_bounds
from asinflow_contracts.codec import Undecodable, decode_json
from asinflow_contracts.events import ListingRejected, ListingValidated, PolicyViolationReported
from asinflow_contracts.ids import content_event_id, listing_id
from asinflow_contracts.issues import Issue, IssueCode
from asinflow_contracts.proposal_reading import read_proposal_data
from asinflow_runtime.messages import Unreadable
from pydantic import BaseModel, Field

from asinflow_identifier_validation.domain.batch import Proposal, cited, decide, parents_of
from asinflow_identifier_validation.domain.exemptions import active, apply_changes
from asinflow_identifier_validation.domain.family import Family
from asinflow_identifier_validation.store import ValidationStore


class ValidationPreview(BaseModel):
    """What identifier validation would decide for this proposal now. Nothing is recorded or emitted."""

    outcome: Literal["validated", "rejected", "waiting_for_parent"] = Field(
        description="`validated` (passed on to duplicate matching), `rejected`, or `waiting_for_parent`: a "
        "variation child whose parent the service has not validated yet waits for it (rejected if the parent "
        "is rejected, or after ASINFLOW_VARIATION_PARENT_WAIT_S)."
    )
    listing_id: uuid.UUID = Field(description="UUIDv5 of (seller_id, sku).")
    seller_id: str = Field(description="The seller.")
    sku: str = Field(description="The seller's SKU.")
    proposal_id: uuid.UUID = Field(
        description="The proposal's event id: the `ce-id` header when given, else derived from the body's bytes "
        "(as for a message published without CloudEvents headers, e.g. by `asinflow publish`)."
    )
    code: IssueCode | None = Field(default=None, description="The first blocking issue's code, when rejected.")
    issues: list[Issue] = Field(
        default_factory=list,
        description="Rejected: every issue, errors first, exactly as `listing.rejected` would carry them. "
        "Validated: the warnings passed on.",
    )
    waiting_for: str | None = Field(default=None, description="The parent SKU a waiting child waits for.")
    passes_on: ListingValidated | None = Field(
        default=None,
        description="The `listing.validated` payload it would emit (GTIN-14, normalised identifiers, exemption "
        "id, the proposal): the body of duplicate matching's POST /preview.",
    )
    rejection: ListingRejected | None = Field(default=None, description="The `listing.rejected` payload, if any.")
    would_report: list[PolicyViolationReported] = Field(
        default_factory=list,
        description="Reports it would emit besides: a live parent proposed again so that it no longer fits its "
        "children (VARIATION_ABUSE).",
    )


def event_id_of(raw: bytes, given: uuid.UUID | None = None) -> uuid.UUID:
    """The proposal's event id as the pipeline gets it: the one it was sent with, else one from its content."""
    return given if given is not None else content_event_id(topics.LISTING_PROPOSED, raw)


async def preview(store: ValidationStore, raw: bytes, event_id: uuid.UUID) -> ValidationPreview:
    """Decide the proposal ``raw`` (a message body); raises ``Unreadable`` for what the pipeline dead-letters."""
    try:
        data = decode_json(raw)
    except Undecodable as exc:
        raise Unreadable(exc.reason, exc.detail) from None
    read = read_proposal_data(data, len(raw), bounds_checked=not might_break_bounds(raw))
    if read.unreadable is not None:
        raise Unreadable("unparseable_proposal", read.unreadable)
    proposal = Proposal(event_id, topics.LISTING_PROPOSED, read, raw)
    # load, as the handler does for a batch of one (no waiting child is taken out of the waiting room)
    parents = parents_of([proposal])
    stored = await store.exemptions(cited([proposal]))
    family_records = await store.family(parents, [*parents, proposal.key])
    rejected = await store.latest_rejected([listing_id(*key) for key in parents])
    # decide
    copy, _ = apply_changes(stored, [])
    family = Family.of(family_records, [key for key in parents if listing_id(*key) in rejected])
    decided = decide([proposal], [], active(copy), family)
    seller_id, sku = proposal.key
    found = ValidationPreview(
        outcome="waiting_for_parent",
        listing_id=listing_id(seller_id, sku),
        seller_id=seller_id,
        sku=sku,
        proposal_id=event_id,
        waiting_for=decided.parked[0].parent_sku if decided.parked else None,
    )
    for emitted in decided.emitted:
        payload = emitted.payload
        if isinstance(payload, PolicyViolationReported):
            found.would_report.append(payload)
        elif isinstance(payload, ListingRejected):
            found.outcome, found.code, found.issues, found.rejection = "rejected", payload.code, payload.issues, payload
        else:
            found.outcome, found.issues, found.passes_on = "validated", payload.warnings, payload
    return found
