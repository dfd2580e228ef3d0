"""The issues of a listing as ``listing.issues-changed`` tells them (pure): which severities and which enforcement
actions are present, and the notice last sent for each listing.

Enforcement issues (those with ``enforcements``: one per open policy violation) belong to the listing, not to one
version: the activation service keeps a listing's violations until a reactivation resolves them, and suppresses
every new version while they are open. So the ledger carries them to a new version, keeps them through a rejection,
and replaces them all with those of each suppression (which carries every open one) or clears them on reactivation.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from asinflow_contracts.issues import Enforcement, Severity

_SEVERITIES = [s.value for s in Severity]  # ERROR, WARNING, INFO
_ACTIONS = [a.value for a in Enforcement]


@dataclass(frozen=True)
class IssueNotice:
    """The ``listing.issues-changed`` last sent for a listing (what the store keeps), or one to send."""

    listing_id: uuid.UUID
    seller_id: str
    sku: str
    version: int
    asin: str | None
    severities: tuple[str, ...]
    actions: tuple[str, ...]
    sequence: int


def is_enforcement(issue: dict[str, Any]) -> bool:
    return bool(issue.get("enforcements"))


def enforcement_issues(issues: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in issues if is_enforcement(i)]


def other_issues(issues: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in issues if not is_enforcement(i)]


def summary(issues: Iterable[dict[str, Any]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(severities, enforcement actions) present among ``issues``, each in its enum's order."""
    severities: set[str] = set()
    actions: set[str] = set()
    for i in issues:
        severities.add(str(i.get("severity")))
        actions.update(str(a) for a in (i.get("enforcements") or {}).get("actions", ()))
    return tuple(s for s in _SEVERITIES if s in severities), tuple(a for a in _ACTIONS if a in actions)
