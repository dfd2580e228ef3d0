"""A listing as the activation service sees it: its state, stock, open policy violations and the status last
notified to subscribers (pure)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from asinflow_contracts.events import Enforcement, Scope, StatusFlag, ViolationKind
from asinflow_contracts.state_machine import ListingState

#: The more an enforcement takes away, the higher it ranks (the strictest open one decides visibility).
SEVERITY: dict[Enforcement, int] = {
    Enforcement.SEARCH_SUPPRESSED: 1,
    Enforcement.LISTING_SUPPRESSED: 2,
    Enforcement.CATALOG_ITEM_REMOVED: 3,
}


@dataclass(frozen=True)
class Violation:
    violation_id: str
    kind: ViolationKind
    enforcement: Enforcement
    scope: Scope
    reporter: str
    evidence: tuple[str, ...]
    exempt_until: date | None = None

    def applies_on(self, today: date) -> bool:
        """False while an enforcement exemption runs."""
        return self.exempt_until is None or self.exempt_until <= today


@dataclass
class ListingStatus:
    listing_id: uuid.UUID
    seller_id: str
    sku: str
    proposal_id: uuid.UUID
    asin: str
    state: ListingState
    quantity: int | None
    violations: dict[str, Violation] = field(default_factory=dict)  # open ones, by id
    last_event_id: uuid.UUID | None = None
    last_event_type: str | None = None
    sequence: int = 0  # of the last activation event emitted for this listing
    notified: tuple[StatusFlag, ...] | None = None  # the status last sent on listing.status-changed (None: never)
    status_sequence: int = 0  # of the last listing.status-changed

    @property
    def in_stock(self) -> bool:
        return (self.quantity or 0) > 0

    def strictest(self, today: date) -> Violation | None:
        applying = [v for v in self.violations.values() if v.applies_on(today)]
        return max(applying, key=lambda v: SEVERITY[v.enforcement], default=None)

    def visibility(self, today: date) -> tuple[bool, bool]:
        """(buyable, discoverable) now."""
        if self.state in (ListingState.INACTIVE, ListingState.CREATED, ListingState.DELETED):
            return False, False
        if self.state == ListingState.ACTIVE:
            return self.in_stock, True
        strictest = self.strictest(today)  # suppressed
        if strictest is None:  # every enforcement is exempted for now
            return self.in_stock, True
        if strictest.enforcement == Enforcement.SEARCH_SUPPRESSED:
            return self.in_stock, False
        return False, False

    def status_flags(self, today: date) -> tuple[StatusFlag, ...] | None:
        """What ``listing.status-changed`` says of the listing now: BUYABLE / DISCOVERABLE, or DELETED; None while it
        is created but not decided yet (nothing to tell buyers about)."""
        if self.state == ListingState.DELETED:
            return (StatusFlag.DELETED,)
        if self.state == ListingState.CREATED:
            return None
        buyable, discoverable = self.visibility(today)
        flags = ((StatusFlag.BUYABLE, buyable), (StatusFlag.DISCOVERABLE, discoverable))
        return tuple(flag for flag, holds in flags if holds)
