"""What the API answers, composed from the owners' answers. Pure.

- A listing: the ledger's view (state, version, ASIN, issues, history) with activation's status set
  (``BUYABLE``, ``DISCOVERABLE``; ``DELETED`` for a deleted listing).
- A feed report for a seller: only that seller's lines, and the counts over those lines (a feed may carry several
  sellers' lines; a seller must not learn another's SKUs or states).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from asinflow_contracts.issues import Severity
from asinflow_contracts.state_machine import TERMINAL_STATES, ListingState

#: States in which no service moves a listing on by itself (the ledger's report counts them as settled).
SETTLED_STATES: frozenset[str] = frozenset(
    {ListingState.THROTTLED, ListingState.ACTIVE, ListingState.INACTIVE, ListingState.SUPPRESSED, *TERMINAL_STATES}
)


def status_set(state: str, activation: dict[str, Any] | None) -> list[str]:
    """The listing's status as buyers see it: BUYABLE / DISCOVERABLE from activation, DELETED once deleted."""
    if state == "deleted":
        return ["DELETED"]
    if activation is None:
        return []
    flags = (("BUYABLE", activation.get("buyable")), ("DISCOVERABLE", activation.get("discoverable")))
    return [name for name, on in flags if on]


def listing_detail(ledger: dict[str, Any], activation: dict[str, Any] | None) -> dict[str, Any]:
    return {**ledger, "status": status_set(str(ledger.get("state")), activation)}


def seller_report(report: dict[str, Any], seller_id: str) -> dict[str, Any] | None:
    """The report restricted to ``seller_id``'s lines, counts recomputed; None when it has none."""
    items = [item for item in report.get("items", []) if item.get("seller_id") == seller_id]
    if not items:
        return None
    if len(items) == len(report.get("items", [])):
        return report
    errors = [i for item in items for i in item.get("issues", []) if i.get("severity") == Severity.ERROR]
    warnings = [i for item in items for i in item.get("issues", []) if i.get("severity") == Severity.WARNING]
    states = Counter(str(item.get("state")) for item in items)
    invalid = states.get(ListingState.REJECTED, 0)
    return {
        **report,
        "lines": len(items),
        "settled": sum(n for state, n in states.items() if state in SETTLED_STATES),
        "accepted": len(items) - invalid,
        "invalid": invalid,
        "errors": len(errors),
        "warnings": len(warnings),
        "by_state": dict(sorted(states.items())),
        "by_code": dict(sorted(Counter(str(i.get("code")) for i in errors).items())),
        "items": items,
    }
