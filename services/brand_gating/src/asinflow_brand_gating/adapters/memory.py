"""An in-memory fake of ``store.GatingStore`` for handler tests without PostgreSQL: the same observable
behaviour as ``PostgresGatingStore`` for everything the handler relies on (entities come back as fresh copies,
brands are numbered in the order registered, a re-recorded event moves to the end of the history, a proposal
keeps its first decision)."""

from __future__ import annotations

import copy
import dataclasses
import uuid
from collections.abc import Sequence
from typing import TypeVar

from asinflow_brand_gating.domain.changes import HistoryRow, Needs, RegistryEvent, Waiting, releases_of
from asinflow_brand_gating.domain.registry import ApprovalRequest, Authorization, Brand, Exemption, Registry
from asinflow_brand_gating.models import REGISTRY_MODELS
from asinflow_brand_gating.store import GateDecision

T = TypeVar("T")


class InMemoryGatingStore:
    """``store.GatingStore`` in plain dicts."""

    def __init__(self) -> None:
        self.brands: dict[str, tuple[int, Brand]] = {}
        self.authorizations: dict[tuple[str, str], Authorization] = {}
        self.prefixes: dict[str, str] = {}
        self.exemptions: dict[str, Exemption] = {}
        self.requests: dict[str, ApprovalRequest] = {}
        self.history: dict[uuid.UUID, HistoryRow] = {}  # in the order recorded
        self.decisions: dict[uuid.UUID, GateDecision] = {}
        self._seq = 0

    async def waiting_behind(self, events: Sequence[RegistryEvent]) -> list[Waiting]:
        found: dict[uuid.UUID, HistoryRow] = {}
        releases = [releases_of(e.body) for e in events]
        while releases:
            behind = [
                row
                for row in self.history.values()
                if row.waiting_for is not None
                and row.event_id not in found
                and any(r.may_release(row.waiting_for) for r in releases)
            ]
            found.update((row.event_id, row) for row in behind)
            releases = [releases_of(_event(row).body) for row in behind]
        return [
            Waiting(_event(row), row.waiting_for)
            for row in self.history.values()
            if row.event_id in found and row.waiting_for is not None
        ]

    async def load(self, needs: Needs) -> Registry:
        registry = Registry()
        registry.prefixes = {p: k for p, k in self.prefixes.items() if p in needs.prefixes}
        registry.requests = {i: _copy(q) for i, q in self.requests.items() if i in needs.request_ids}
        keys = {*needs.brand_keys, *registry.prefixes.values(), *(q.brand_key for q in registry.requests.values())}
        registry.brands = {k: _copy(b) for k, (_, b) in self.brands.items() if k in keys}
        registry.authorizations = {k: _copy(a) for k, a in self.authorizations.items() if k[0] in keys}
        registry.exemptions = {i: _copy(e) for i, e in self.exemptions.items() if i in needs.exemption_ids}
        return registry

    async def brands_since(self, seq: int) -> list[tuple[int, Brand]]:
        return sorted(((n, _copy(b)) for n, b in self.brands.values() if n > seq), key=lambda x: x[0])

    async def save(self, registry: Registry) -> None:
        for kind, ident in sorted(registry.changed, key=repr):
            if kind == "brand":
                brand = registry.brands[ident]
                if ident in self.brands:
                    self.brands[ident] = (self.brands[ident][0], _copy(brand))
                else:
                    self._seq += 1
                    self.brands[ident] = (self._seq, _copy(brand))
            elif kind == "authorization":
                self.authorizations[ident] = _copy(registry.authorizations[ident])
            elif kind == "prefix":
                self.prefixes[ident] = registry.prefixes[ident]
            elif kind == "exemption":
                self.exemptions[ident] = _copy(registry.exemptions[ident])
            elif kind == "request":
                request = registry.requests[ident]
                kept = self.requests.get(ident)
                if kept is None:
                    self.requests[ident] = _copy(request)
                else:  # ON CONFLICT: only the decision changes
                    self.requests[ident] = dataclasses.replace(
                        kept, status=request.status, decided_by=request.decided_by, reason=request.reason
                    )
        registry.changed.clear()

    async def record_history(self, rows: Sequence[HistoryRow]) -> None:
        for row in rows:
            self.history.pop(row.event_id, None)
        for row in rows:
            self.history[row.event_id] = row

    async def save_decisions(self, decisions: Sequence[GateDecision]) -> None:
        for d in decisions:
            self.decisions.setdefault(d.proposal_id, d)


def _copy(value: T) -> T:
    """A copy the caller may change without changing the store (PostgreSQL hands out new objects)."""
    return copy.deepcopy(value)


def _event(row: HistoryRow) -> RegistryEvent:
    body = REGISTRY_MODELS[row.event_type].model_validate_json(row.body)
    return RegistryEvent(row.event_id, row.event_type, body, row.at)
