"""Applying a batch of registry events (pure): in arrival order, each one applied, refused, or left waiting
for what it needs; whatever the batch brings (a brand, a request, a grant) releases the events waiting for
it, of this batch or stored by an earlier one, until nothing more moves."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from asinflow_contracts.events import (
    BrandApprovalDecided,
    BrandApprovalRequested,
    BrandPrefixRegistered,
    ExemptionGranted,
    ExemptionRevoked,
)
from pydantic import BaseModel

from asinflow_brand_gating.domain.registry import Registry, apply, registry_key, unblocked_by


@dataclass(frozen=True)
class RegistryEvent:
    event_id: uuid.UUID
    event_type: str
    body: BaseModel
    at: datetime


@dataclass(frozen=True)
class Waiting:
    """A registry event stored by an earlier batch, waiting for ``waiting_for`` (e.g. ``brand:acme``)."""

    event: RegistryEvent
    waiting_for: str


@dataclass(frozen=True)
class HistoryRow:
    """What became of one registry event: applied, refused (``reason``), or waiting (``waiting_for``)."""

    event_id: uuid.UUID
    event_type: str
    brand_key: str
    body: str  # JSON
    at: datetime
    applied: bool
    reason: str
    waiting_for: str | None


@dataclass(frozen=True)
class Needs:
    """The registry entities a set of events (or listings) reads or changes."""

    brand_keys: frozenset[str] = frozenset()
    prefixes: frozenset[str] = frozenset()
    exemption_ids: frozenset[str] = frozenset()
    request_ids: frozenset[str] = frozenset()

    def __or__(self, other: Needs) -> Needs:
        return Needs(
            self.brand_keys | other.brand_keys,
            self.prefixes | other.prefixes,
            self.exemption_ids | other.exemption_ids,
            self.request_ids | other.request_ids,
        )


def needs_of(bodies: Iterable[BaseModel]) -> Needs:
    items = list(bodies)
    return Needs(
        frozenset(registry_key(b) for b in items),
        frozenset(b.prefix for b in items if isinstance(b, BrandPrefixRegistered)),
        frozenset(b.exemption_id for b in items if isinstance(b, ExemptionGranted | ExemptionRevoked)),
        frozenset(b.request_id for b in items if isinstance(b, BrandApprovalRequested | BrandApprovalDecided)),
    )


@dataclass(frozen=True)
class Releases:
    """What applying one event may let waiting events go on with: its brand (a registration, any authorisation
    of the brand: an approval authorises the request's seller, whom the decision does not name), its approval
    request, its exemption. More than it does release, never less: the store finds candidates with it."""

    brand_key: str
    request_id: str | None = None
    exemption_id: str | None = None

    def may_release(self, waiting_for: str) -> bool:
        return (
            waiting_for == f"brand:{self.brand_key}"
            or waiting_for.startswith(f"authorization:{self.brand_key}/")
            or (self.request_id is not None and waiting_for == f"request:{self.request_id}")
            or (self.exemption_id is not None and waiting_for == f"exemption:{self.exemption_id}")
        )


def releases_of(body: BaseModel) -> Releases:
    request_id = getattr(body, "request_id", None)
    exemption_id = getattr(body, "exemption_id", None)
    return Releases(
        registry_key(body),
        request_id if isinstance(request_id, str) else None,
        exemption_id if isinstance(exemption_id, str) else None,
    )


def apply_events(registry: Registry, events: Sequence[RegistryEvent], stored: Sequence[Waiting]) -> list[HistoryRow]:
    """Apply ``events`` (and the ``stored`` events they release, in the order stored) to ``registry``; the
    history rows, in the order decided (an event released moves to the end)."""
    rows: dict[uuid.UUID, HistoryRow] = {}
    waiting: list[tuple[RegistryEvent, str]] = []
    released_keys: set[str] = set()
    queue = list(events)
    while queue:
        for event in queue:
            outcome = apply(registry, event.event_type, event.body, event.at)
            rows.pop(event.event_id, None)  # a released event moves to the end of the history
            rows[event.event_id] = HistoryRow(
                event.event_id,
                event.event_type,
                registry_key(event.body),
                event.body.model_dump_json(),
                event.at,
                outcome.applied,
                outcome.reason,
                outcome.waiting_for,
            )
            if outcome.waiting_for is not None:
                waiting.append((event, outcome.waiting_for))
        unblocked = unblocked_by(registry) - released_keys
        released_keys |= unblocked
        queue = [event for event, key in waiting if key in unblocked]
        waiting = [(event, key) for event, key in waiting if key not in unblocked]
        queue += [w.event for w in stored if w.waiting_for in unblocked and w.event.event_id not in rows]
    return list(rows.values())
