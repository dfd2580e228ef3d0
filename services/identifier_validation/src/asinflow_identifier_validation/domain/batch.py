"""One batch of proposals decided at once (pure): validated, rejected, or parked until the parent is decided.

The handler loads what the batch needs — the exemptions cited, the variation families of its listings and the
children waiting for them — and ``decide`` validates parents (and standalone products) first, so that children
of the same batch find them, then the waiting children whose parent it decided, generation by generation.
It returns ``Decisions``: the records to save and the events to emit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from asinflow_contracts import topics
from asinflow_contracts.events import (
    ListingProposed,
    ListingRef,
    ListingRejected,
    ListingValidated,
    PolicyViolationReported,
    Scope,
    ViolationKind,
)
from asinflow_contracts.ids import listing_id
from asinflow_contracts.issues import Issue, Severity
from asinflow_contracts.proposal_reading import ProposalRead, read_proposal

from asinflow_identifier_validation.domain.exemptions import Exemption
from asinflow_identifier_validation.domain.family import (
    Family,
    WaitForParent,
    broken_family,
    parent_missing,
    variation_checks,
)
from asinflow_identifier_validation.domain.records import DecisionRecord, FamilyRecord, Key, WaitingChild
from asinflow_identifier_validation.domain.validation import Decision
from asinflow_identifier_validation.domain.validation import decide as decide_one

REPORTER = "asinflow/identifier-validation (variation rules)"


@dataclass(frozen=True)
class Proposal:
    """A proposal to decide: consumed in this batch, or a child that waited for its parent."""

    event_id: uuid.UUID
    event_type: str
    read: ProposalRead
    body: bytes  # as it arrived (a child waiting for its parent is parked with it)

    @property
    def key(self) -> Key:
        return (self.read.seller_id or "", self.read.sku or "")

    @property
    def parent_sku(self) -> str | None:
        proposal = self.read.proposal
        if proposal is None or proposal.variation is None:
            return None
        return proposal.variation.parent_sku or None


@dataclass(frozen=True)
class Emitted:
    """An event to emit, caused by ``cause``."""

    cause: Proposal
    topic: str
    key: str
    payload: ListingValidated | ListingRejected | PolicyViolationReported


@dataclass
class Decisions:
    emitted: list[Emitted] = field(default_factory=list)
    decisions: list[DecisionRecord] = field(default_factory=list)
    family: list[FamilyRecord] = field(default_factory=list)
    parked: list[WaitingChild] = field(default_factory=list)
    released: list[uuid.UUID] = field(default_factory=list)  # waiting children decided now


def cited(proposals: Iterable[Proposal]) -> set[str]:
    return {p.read.proposal.exemption_id for p in proposals if p.read.proposal and p.read.proposal.exemption_id}


def parents_of(proposals: Iterable[Proposal]) -> list[Key]:
    return [(p.key[0], parent) for p in proposals if (parent := p.parent_sku)]


def decide(
    proposals: Sequence[Proposal], waiting: Sequence[Proposal], exemptions: Mapping[str, Exemption], family: Family
) -> Decisions:
    """Decide the batch's proposals, then the ``waiting`` children (oldest first) whose parent it decided."""
    batch = _Batch(exemptions, family)
    for proposal in sorted(proposals, key=lambda p: p.parent_sku is not None):  # parents first
        batch.validate(proposal)
    pending = list(waiting)
    while decided := batch.take_decided():
        released = [child for child in pending if (child.key[0], child.parent_sku) in decided]
        if not released:
            break
        taken = {child.event_id for child in released}
        pending = [child for child in pending if child.event_id not in taken]
        for child in released:
            batch.decisions.released.append(child.event_id)
            batch.validate(child)
    return batch.decisions


def expire(children: Sequence[WaitingChild], why: str) -> Decisions:
    """Reject children that waited too long for a parent that never came."""
    batch = _Batch({}, Family())
    for child in children:
        batch.reject(released(child), [parent_missing(child.parent_sku, why)])
    return batch.decisions


def released(child: WaitingChild) -> Proposal:
    """A child taken back out of the waiting room, read again from the body it arrived in."""
    return Proposal(child.event_id, child.event_type, read_proposal(child.body), child.body)


class _Batch:
    def __init__(self, exemptions: Mapping[str, Exemption], family: Family) -> None:
        self.exemptions = exemptions
        self.family = family
        self.decisions = Decisions()
        self.decided: set[Key] = set()

    def take_decided(self) -> set[Key]:
        decided, self.decided = self.decided, set()
        return decided

    def validate(self, item: Proposal) -> None:
        read = item.read
        decision = decide_one(read, self.exemptions)
        if decision.rejected or read.proposal is None:
            self.reject(item, decision.issues)
            return
        proposal = read.proposal
        checks = variation_checks(proposal, decision.gtin14, self.family)
        if isinstance(checks, WaitForParent):
            self.decisions.parked.append(
                WaitingChild(
                    item.event_id, item.event_type, proposal.seller_id, proposal.sku, checks.parent_sku, item.body
                )
            )
            return
        issues = [*decision.issues, *checks]
        if any(i.severity == Severity.ERROR for i in issues):
            self.reject(item, issues)
            return
        self._validated(item, proposal, Decision(issues, decision.identifiers, decision.gtin14, decision.exemption_id))

    def reject(self, item: Proposal, issues: list[Issue]) -> None:
        read = item.read
        assert read.seller_id and read.sku
        payload = ListingRejected.of(_ref(item), issues)
        self.family.rejected_now(read.seller_id, read.sku)
        self.decided.add((read.seller_id, read.sku))
        self._emit(item, topics.LISTING_REJECTED, payload, payload.code)

    def _validated(self, item: Proposal, proposal: ListingProposed, decision: Decision) -> None:
        findings = broken_family(proposal, self.family)  # before this version replaces the old one
        payload = ListingValidated(
            **_ref(item).model_dump(),
            gtin14=decision.gtin14,
            identifiers=decision.identifiers,
            exemption_id=decision.exemption_id,
            proposal=proposal,
            warnings=[i for i in decision.issues if i.severity != Severity.ERROR],
        )
        self.family.validated(proposal, decision.gtin14)
        self.decisions.family.append(
            FamilyRecord(proposal.seller_id, proposal.sku, item.parent_sku, proposal, decision.gtin14)
        )
        self.decided.add((proposal.seller_id, proposal.sku))
        self._emit(item, topics.LISTING_VALIDATED, payload, None)
        if findings:
            report = PolicyViolationReported(
                violation_id=f"VARIATION-{str(item.event_id)[:8].upper()}",
                kind=ViolationKind.VARIATION_ABUSE,
                scope=Scope.LISTING,
                seller_id=proposal.seller_id,
                sku=proposal.sku,
                evidence=findings,
                reporter=REPORTER,
            )
            key = str(listing_id(proposal.seller_id, proposal.sku))
            self.decisions.emitted.append(Emitted(item, topics.POLICY_VIOLATION_REPORTED, key, report))

    def _emit(self, item: Proposal, topic: str, payload: ListingValidated | ListingRejected, code: str | None) -> None:
        self.decisions.emitted.append(Emitted(item, topic, str(payload.listing_id), payload))
        self.decisions.decisions.append(DecisionRecord(item.event_id, payload.listing_id, topic, code))


def _ref(item: Proposal) -> ListingRef:
    read = item.read
    assert read.seller_id is not None and read.sku is not None
    batch = read.proposal.batch_id if read.proposal else read.data.get("batch_id")
    return ListingRef(
        listing_id=listing_id(read.seller_id, read.sku),
        seller_id=read.seller_id,
        sku=read.sku,
        proposal_id=item.event_id,
        batch_id=batch if isinstance(batch, str) else None,
    )
