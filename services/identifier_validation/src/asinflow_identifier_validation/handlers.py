"""Use case of the identifier-validation service: read proposals, decide, record, emit."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import asyncpg
from asinflow_contracts import topics
from asinflow_contracts.bounds import might_break_bounds
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import (
    ExemptionGranted,
    ExemptionRevoked,
    ListingProposed,
    ListingRef,
    ListingRejected,
    ListingValidated,
    PolicyViolationReported,
    Scope,
    ViolationKind,
)
from asinflow_contracts.ids import listing_id
from asinflow_contracts.issues import Severity
from asinflow_contracts.proposal_reading import ProposalRead, read_proposal, read_proposal_data
from asinflow_runtime.intake import Received
from asinflow_runtime.messages import Incoming, Outgoing, Unreadable
from asinflow_runtime.records import parse_typed

from asinflow_identifier_validation.adapters import postgres
from asinflow_identifier_validation.adapters.postgres import WaitingChild
from asinflow_identifier_validation.domain.exemptions import Exemption
from asinflow_identifier_validation.domain.family import (
    Family,
    WaitForParent,
    broken_family,
    parent_missing,
    variation_checks,
)
from asinflow_identifier_validation.domain.validation import Decision, decide

SERVICE = "identifier-validation"
SOURCE = f"/asinflow/{SERVICE}"
#: How long a child may wait for its parent before it is rejected VARIATION_INVALID.
PARENT_WAIT_S = float(os.environ.get("ASINFLOW_VARIATION_PARENT_WAIT_S", "600"))
#: The brand registry's exemption events, kept here as this service's own copy (see domain/exemptions.py).
EXEMPTION_MODELS: dict[str, type[ExemptionGranted | ExemptionRevoked]] = {
    topics.EXEMPTION_GRANTED: ExemptionGranted,
    topics.EXEMPTION_REVOKED: ExemptionRevoked,
}


@dataclass(frozen=True)
class ReleasedRecord:
    """A child taken back out of the waiting room, shaped like the record it arrived in."""

    topic: str
    value: bytes
    key: bytes | None = None
    partition: int = -1
    offset: int = -1
    headers: tuple[tuple[str, bytes], ...] = ()


class ValidationHandler:
    def parse(self, received: Received) -> Incoming:
        if received.topic in EXEMPTION_MODELS:
            return parse_typed(received, EXEMPTION_MODELS)
        checked = not might_break_bounds(received.raw)
        read = read_proposal_data(received.data, received.size, bounds_checked=checked)
        if read.unreadable is not None:
            raise Unreadable("unparseable_proposal", read.unreadable)
        return Incoming(received.record, received.envelope, read)

    async def apply(self, conn: asyncpg.Connection, items: list[Incoming]) -> list[Outgoing]:
        changes = []
        for item in items:
            if isinstance(item.body, ExemptionGranted):
                g = item.body
                changes.append((Exemption(g.exemption_id, g.brand, g.sku, g.seller_id), True, item.envelope.time))
            elif isinstance(item.body, ExemptionRevoked):
                r = item.body
                changes.append((Exemption(r.exemption_id, r.brand), False, item.envelope.time))
        # executemany runs them in order: oldest first, so the one made last wins within a batch too
        await postgres.save_exemption_changes(conn, sorted(changes, key=lambda c: c[2]))
        proposals = [i for i in items if isinstance(i.body, ProposalRead)]
        batch = await ValidationBatch.load(conn, proposals)
        # parents (and standalone products) first, so that children of the same batch find them
        for item in sorted(proposals, key=lambda i: _parent_sku(i.body) is not None):
            batch.validate(item)
        while released := await postgres.release_children(conn, batch.take_decided_parents()):
            children = [_incoming(child) for child in released]
            await batch.extend(conn, children)
            for item in children:
                batch.validate(item)
        await batch.save(conn)
        return batch.outgoing

    async def tick(self, conn: asyncpg.Connection) -> list[Outgoing]:
        """Reject children that waited too long for a parent that never came."""
        expired = await postgres.expire_children(conn, PARENT_WAIT_S)
        if not expired:
            return []
        batch = await ValidationBatch.load(conn, [])
        for child in expired:
            item = _incoming(child)
            minutes = f"{PARENT_WAIT_S / 60:g} minutes"
            batch.reject(item, [parent_missing(child.parent_sku, f"was not validated within {minutes}")])
        await batch.save(conn)
        return batch.outgoing


def _parent_sku(read: ProposalRead) -> str | None:
    proposal = read.proposal
    if proposal is None or proposal.variation is None:
        return None
    return proposal.variation.parent_sku or None


def _incoming(child: WaitingChild) -> Incoming:
    envelope = Envelope(id=child.event_id, type=child.event_type, source="waiting-room")
    return Incoming(ReleasedRecord(child.event_type, child.body), envelope, read_proposal(child.body))


class ValidationBatch:
    """One batch: the exemptions and variation families it needs, and what it decides."""

    def __init__(self, exemptions: dict[str, Exemption], family: Family) -> None:
        self.exemptions = exemptions
        self.family = family
        self.outgoing: list[Outgoing] = []
        self.decisions: list[tuple[object, object, str, str | None]] = []
        self.family_rows: list[tuple[str, str, str | None, str, str | None]] = []
        self.waiting: list[WaitingChild] = []
        self.decided: list[tuple[str, str]] = []

    @classmethod
    async def load(cls, conn: asyncpg.Connection, items: list[Incoming]) -> ValidationBatch:
        batch = cls({}, Family())
        await batch.extend(conn, items)
        return batch

    async def extend(self, conn: asyncpg.Connection, items: list[Incoming]) -> None:
        """Load what these items need (exemptions cited, their family members, their parents' outcome)."""
        reads: list[ProposalRead] = [i.body for i in items]
        cited = [r.proposal.exemption_id for r in reads if r.proposal and r.proposal.exemption_id]
        self.exemptions.update(await postgres.load_exemptions(conn, cited))
        parents = [(r.seller_id or "", p) for r in reads if (p := _parent_sku(r))]
        own = [(r.seller_id or "", r.sku or "") for r in reads]
        for seller, sku, _parent, proposal, gtin in await postgres.load_family(conn, parents, [*parents, *own]):
            if (seller, sku) not in self.family.members:
                self.family.validated(ListingProposed.model_validate_json(proposal), gtin)
        rejected = await postgres.latest_rejected(conn, [listing_id(s, p) for s, p in parents])
        self.family.rejected |= {(s, p) for s, p in parents if listing_id(s, p) in rejected}

    def take_decided_parents(self) -> list[tuple[str, str]]:
        decided, self.decided = self.decided, []
        return decided

    def validate(self, item: Incoming) -> None:
        read: ProposalRead = item.body
        decision = decide(read, self.exemptions)
        if decision.rejected or read.proposal is None:
            self.reject(item, decision.issues)
            return
        proposal = read.proposal
        checks = variation_checks(proposal, decision.gtin14, self.family)
        if isinstance(checks, WaitForParent):
            self.waiting.append(
                WaitingChild(
                    item.event_id,
                    item.envelope.type,
                    proposal.seller_id,
                    proposal.sku,
                    checks.parent_sku,
                    item.record.value,
                )
            )
            return
        issues = [*decision.issues, *checks]
        if any(i.severity == Severity.ERROR for i in issues):
            self.reject(item, issues)
            return
        self._validated(item, proposal, Decision(issues, decision.identifiers, decision.gtin14, decision.exemption_id))

    def reject(self, item: Incoming, issues: list[Any]) -> None:
        read: ProposalRead = item.body
        assert read.seller_id and read.sku
        payload = ListingRejected.of(self._ref(item), issues)
        self.family.rejected_now(read.seller_id, read.sku)
        self.decided.append((read.seller_id, read.sku))
        self._emit(item, topics.LISTING_REJECTED, payload, payload.code)

    def _validated(self, item: Incoming, proposal: ListingProposed, decision: Decision) -> None:
        findings = broken_family(proposal, self.family)  # before this version replaces the old one
        payload = ListingValidated(
            **self._ref(item).model_dump(),
            gtin14=decision.gtin14,
            identifiers=decision.identifiers,
            exemption_id=decision.exemption_id,
            proposal=proposal,
            warnings=[i for i in decision.issues if i.severity != Severity.ERROR],
        )
        self.family.validated(proposal, decision.gtin14)
        self.family_rows.append(
            (proposal.seller_id, proposal.sku, _parent_sku(item.body), proposal.model_dump_json(), decision.gtin14)
        )
        self.decided.append((proposal.seller_id, proposal.sku))
        self._emit(item, topics.LISTING_VALIDATED, payload, None)
        if findings:
            self._report_variation_abuse(item, proposal, findings)

    def _report_variation_abuse(self, item: Incoming, proposal: ListingProposed, findings: list[str]) -> None:
        report = PolicyViolationReported(
            violation_id=f"VARIATION-{str(item.event_id)[:8].upper()}",
            kind=ViolationKind.VARIATION_ABUSE,
            scope=Scope.LISTING,
            seller_id=proposal.seller_id,
            sku=proposal.sku,
            evidence=findings,
            reporter=f"asinflow/{SERVICE} (variation rules)",
        )
        lid = str(listing_id(proposal.seller_id, proposal.sku))
        envelope = Envelope.caused_by(
            item.event_id, item.envelope.type, topics.POLICY_VIOLATION_REPORTED, source=SOURCE, subject=lid
        )
        self.outgoing.append(Outgoing(topics.POLICY_VIOLATION_REPORTED, lid, envelope, report))

    def _ref(self, item: Incoming) -> ListingRef:
        read: ProposalRead = item.body
        assert read.seller_id is not None and read.sku is not None
        batch = read.proposal.batch_id if read.proposal else read.data.get("batch_id")
        return ListingRef(
            listing_id=listing_id(read.seller_id, read.sku),
            seller_id=read.seller_id,
            sku=read.sku,
            proposal_id=item.event_id,
            batch_id=batch if isinstance(batch, str) else None,
        )

    def _emit(
        self, item: Incoming, event_type: str, payload: ListingValidated | ListingRejected, code: str | None
    ) -> None:
        lid = payload.listing_id
        envelope = Envelope.caused_by(item.event_id, item.envelope.type, event_type, source=SOURCE, subject=str(lid))
        self.outgoing.append(Outgoing(event_type, str(lid), envelope, payload))
        self.decisions.append((item.event_id, lid, event_type, code))

    async def save(self, conn: asyncpg.Connection) -> None:
        await postgres.save_decisions(conn, self.decisions)
        await postgres.save_family(conn, self.family_rows)
        await postgres.park_children(conn, self.waiting)
