"""Use case of the identifier-validation service: read proposals, decide, record, emit."""

from __future__ import annotations

from typing import Any

import asyncpg
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope, EnvelopeError
from asinflow_contracts.events import ExemptionGranted, ListingRef, ListingRejected, ListingValidated
from asinflow_contracts.ids import listing_id
from asinflow_contracts.proposal_reading import ProposalRead, read_proposal
from asinflow_runtime.messages import Incoming, Outgoing, Unreadable
from asinflow_runtime.records import envelope_of
from pydantic import ValidationError

from asinflow_identifier_validation.adapters import postgres
from asinflow_identifier_validation.domain.exemptions import Exemption
from asinflow_identifier_validation.domain.validation import decide

SERVICE = "identifier-validation"
SOURCE = f"/asinflow/{SERVICE}"


class ValidationHandler:
    def parse(self, record: Any) -> Incoming:
        try:
            envelope = envelope_of(record)
        except EnvelopeError as exc:
            raise Unreadable("bad_envelope", str(exc)) from exc
        if record.topic == topics.EXEMPTION_GRANTED:
            try:
                return Incoming(record, envelope, ExemptionGranted.model_validate_json(record.value or b""))
            except ValidationError as exc:
                raise Unreadable("schema_invalid", str(exc)) from exc
        read = read_proposal(record.value or b"")
        if read.unreadable is not None:
            raise Unreadable("unparseable_proposal", read.unreadable)
        return Incoming(record, envelope, read)

    async def apply(self, conn: asyncpg.Connection, items: list[Incoming]) -> list[Outgoing]:
        grants = [i.body for i in items if isinstance(i.body, ExemptionGranted)]
        await postgres.save_exemptions(conn, [Exemption(g.exemption_id, g.brand, g.sku, g.seller_id) for g in grants])
        proposals = [i for i in items if isinstance(i.body, ProposalRead)]
        cited = [p.body.proposal.exemption_id for p in proposals if p.body.proposal and p.body.proposal.exemption_id]
        exemptions = await postgres.load_exemptions(conn, cited)
        outgoing: list[Outgoing] = []
        decisions: list[tuple[object, object, str, str | None]] = []
        for item in proposals:
            event = self._decide(item, exemptions)
            outgoing.append(event)
            code = event.payload.code if isinstance(event.payload, ListingRejected) else None
            decisions.append((item.event_id, listing_id(item.body.seller_id, item.body.sku), event.topic, code))
        await postgres.save_decisions(conn, decisions)
        return outgoing

    def _decide(self, item: Incoming, exemptions: dict[str, Exemption]) -> Outgoing:
        read: ProposalRead = item.body
        assert read.seller_id is not None and read.sku is not None
        lid = listing_id(read.seller_id, read.sku)
        batch = read.proposal.batch_id if read.proposal else _text(read.data.get("batch_id"))
        ref = ListingRef(
            listing_id=lid, seller_id=read.seller_id, sku=read.sku, proposal_id=item.event_id, batch_id=batch
        )
        decision = decide(read, exemptions)
        payload: ListingValidated | ListingRejected
        if decision.rejected:
            event_type = topics.LISTING_REJECTED
            payload = ListingRejected.of(ref, decision.issues)
        else:
            assert read.proposal is not None
            event_type = topics.LISTING_VALIDATED
            payload = ListingValidated(
                **ref.model_dump(),
                gtin14=decision.gtin14,
                identifiers=decision.identifiers,
                exemption_id=decision.exemption_id,
                proposal=read.proposal,
                warnings=[i for i in decision.issues if i.severity != "ERROR"],
            )
        envelope = Envelope.caused_by(item.event_id, item.envelope.type, event_type, source=SOURCE, subject=str(lid))
        return Outgoing(event_type, str(lid), envelope, payload)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
