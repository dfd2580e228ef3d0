"""Open violations as the issues a seller sees on the listing (pure): one issue per violation, with the action it
takes and whether an exemption holds it back, strictest first."""

from __future__ import annotations

import functools
import itertools
from datetime import date

from asinflow_contracts.events import Scope, ViolationKind
from asinflow_contracts.issues import (
    Exemption,
    ExemptionStatus,
    Issue,
    IssueCode,
    IssueEnforcements,
    Severity,
    issue,
)

from asinflow_activation.domain.status import SEVERITY, ListingStatus, Violation

#: How a seller reads each kind of violation.
WORDS: dict[ViolationKind, str] = {
    ViolationKind.COUNTERFEIT: "suspected counterfeit",
    ViolationKind.IP_COMPLAINT: "intellectual-property complaint",
    ViolationKind.REVIEW_MANIPULATION: "review manipulation",
    ViolationKind.VARIATION_ABUSE: "variation abuse",
    ViolationKind.PRIVILEGES_WITHDRAWN: "selling privileges withdrawn",
}


@functools.lru_cache(maxsize=65_536)  # a listing's open violations are issued again on each further suppression
def violation_issue(violation: Violation, seller_id: str, sku: str, today: date) -> Issue:
    """The issue of one open violation: an ERROR of category POLICY whose code is the violation's kind."""
    exempt = not violation.applies_on(today)
    exemption = (
        Exemption(status=ExemptionStatus.EXEMPT_UNTIL_EXPIRY_DATE, until=violation.exempt_until)
        if exempt
        else Exemption(status=ExemptionStatus.NOT_EXEMPT)
    )
    scope = "its ASIN" if violation.scope == Scope.ASIN else "the listing"
    return issue(
        IssueCode(violation.kind.value),
        f"{WORDS[violation.kind].capitalize()} reported on {scope} by {violation.reporter} "
        f"(violation {violation.violation_id}): {violation.enforcement.value}"
        + (f", exempt until {violation.exempt_until.isoformat()}" if exempt and violation.exempt_until else ""),
        remedy=f"Fix the root cause, then request a reactivation naming the fix and citing {violation.violation_id} "
        f"(asinflow policy reactivate {seller_id} {sku} --fix … --violation {violation.violation_id}).",
        severity=Severity.ERROR,
        enforcements=IssueEnforcements(actions=(violation.enforcement,), exemption=exemption),
    )


def open_issues(status: ListingStatus, today: date, limit: int | None = None) -> list[Issue]:
    """An issue per open violation of the listing, strictest enforcement first (then by violation id); the first
    ``limit`` only, when given."""
    ordered = sorted(status.violations.values(), key=lambda v: (-SEVERITY[v.enforcement], v.violation_id))
    return [violation_issue(v, status.seller_id, status.sku, today) for v in itertools.islice(ordered, limit)]
