"""Variation families as the validation step knows them: validated parents and children per seller (pure).

A child is judged against its parent and siblings. A child whose parent has not been validated yet waits
(the parent may come later in the same feed, on another partition); a child whose parent was rejected is
rejected too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from asinflow_contracts.events import ListingProposed
from asinflow_contracts.issues import Issue, IssueCode, issue

from asinflow_identifier_validation.domain.records import FamilyRecord, Key
from asinflow_identifier_validation.domain.variations import (
    FamilyMember,
    child_issues,
    multipack_issues,
    parent_change_findings,
)


@dataclass(frozen=True)
class WaitForParent:
    parent_sku: str


@dataclass
class Family:
    members: dict[Key, tuple[FamilyMember, str | None]] = field(default_factory=dict)  # -> (member, parent_sku)
    rejected: set[Key] = field(default_factory=set)  # listings whose latest proposal was rejected

    @classmethod
    def of(cls, records: Iterable[FamilyRecord], rejected: Iterable[Key]) -> Family:
        """The families as recorded: validated members, and listings whose latest proposal was rejected."""
        family = cls()
        for r in records:
            if (r.seller_id, r.sku) not in family.members:
                family.validated(r.proposal, r.gtin14)
        family.rejected |= set(rejected)
        return family

    def parent(self, seller_id: str, parent_sku: str) -> FamilyMember | None:
        found = self.members.get((seller_id, parent_sku))
        return found[0] if found else None

    def children(self, seller_id: str, parent_sku: str, *, but: str | None = None) -> list[FamilyMember]:
        return [
            member
            for (seller, sku), (member, parent) in self.members.items()
            if seller == seller_id and parent == parent_sku and sku != but
        ]

    def validated(self, proposal: ListingProposed, gtin14: str | None) -> None:
        variation = proposal.variation
        parent_sku = variation.parent_sku if variation and variation.parent_sku else None
        key = (proposal.seller_id, proposal.sku)
        self.members[key] = (FamilyMember.of(proposal, gtin14), parent_sku)
        self.rejected.discard(key)

    def rejected_now(self, seller_id: str, sku: str) -> None:
        self.rejected.add((seller_id, sku))


def variation_checks(proposal: ListingProposed, gtin14: str | None, family: Family) -> list[Issue] | WaitForParent:
    """Issues of a proposal's variation and multipack data; WaitForParent while its parent is undecided."""
    variation = proposal.variation
    if variation is None or not variation.parent_sku:
        return multipack_issues(proposal, gtin14, None)
    parent = family.parent(proposal.seller_id, variation.parent_sku)
    if parent is None:
        if (proposal.seller_id, variation.parent_sku) in family.rejected:
            return [parent_missing(variation.parent_sku, "was rejected")]
        return WaitForParent(variation.parent_sku)
    siblings = family.children(proposal.seller_id, variation.parent_sku, but=proposal.sku)
    return child_issues(proposal, gtin14, parent, siblings)


def parent_missing(parent_sku: str, why: str) -> Issue:
    return issue(
        IssueCode.VARIATION_INVALID,
        f"the parent SKU {parent_sku!r} {why}, so this child cannot join its variation family",
        attribute="variation.parent_sku",
        remedy="Propose the parent (a valid listing with this SKU) in the same or an earlier feed, or remove "
        "the parent_sku to list this product standalone.",
    )


def broken_family(proposal: ListingProposed, family: Family) -> list[str]:
    """Findings when a live parent, proposed again, no longer fits its children (reported as variation abuse)."""
    children = family.children(proposal.seller_id, proposal.sku)
    return parent_change_findings(proposal, children) if children else []
