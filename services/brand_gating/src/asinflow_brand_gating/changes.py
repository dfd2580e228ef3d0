"""Applying a batch of registry events: in arrival order, each one applied, refused, or left waiting for
what it needs; whatever the batch brings (a brand, a request, a grant) releases the events waiting for it,
stored or of this batch, until nothing more moves."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg
from asinflow_contracts.events import (
    BrandApprovalDecided,
    BrandApprovalRequested,
    BrandPrefixRegistered,
    ExemptionGranted,
    ExemptionRevoked,
)
from pydantic import BaseModel

from asinflow_brand_gating.adapters import postgres
from asinflow_brand_gating.adapters.postgres import HistoryRow
from asinflow_brand_gating.domain.registry import Registry, apply, registry_key, unblocked_by
from asinflow_brand_gating.models import REGISTRY_MODELS


@dataclass(frozen=True)
class RegistryEvent:
    event_id: uuid.UUID
    event_type: str
    body: BaseModel
    at: datetime


@dataclass(frozen=True)
class Needs:
    """The registry entities a set of events reads or changes."""

    brand_keys: set[str]
    prefixes: set[str]
    exemption_ids: set[str]
    request_ids: set[str]


def needs_of(bodies: Iterable[BaseModel]) -> Needs:
    items = list(bodies)
    return Needs(
        {registry_key(b) for b in items},
        {b.prefix for b in items if isinstance(b, BrandPrefixRegistered)},
        {b.exemption_id for b in items if isinstance(b, ExemptionGranted | ExemptionRevoked)},
        {b.request_id for b in items if isinstance(b, BrandApprovalRequested | BrandApprovalDecided)},
    )


async def load(conn: asyncpg.Connection, needs: Needs) -> Registry:
    return await postgres.load(conn, needs.brand_keys, needs.prefixes, needs.exemption_ids, needs.request_ids)


async def extend(conn: asyncpg.Connection, registry: Registry, needs: Needs) -> None:
    """Load what ``needs`` names and the slice does not hold yet (never overwriting the batch's changes)."""
    extra = await load(conn, needs)
    for name in ("brands", "authorizations", "prefixes", "exemptions", "requests"):
        mine, theirs = getattr(registry, name), getattr(extra, name)
        for key, value in theirs.items():
            mine.setdefault(key, value)


async def apply_events(
    conn: asyncpg.Connection, registry: Registry, events: Sequence[RegistryEvent]
) -> list[HistoryRow]:
    """Apply ``events`` (and the stored events they release) to ``registry``; the history rows, in order."""
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
        stored = [_stored(r) for r in await postgres.waiting_events(conn, unblocked) if r["event_id"] not in rows]
        if stored:
            await extend(conn, registry, needs_of(e.body for e in stored))
        queue += stored
    return list(rows.values())


def _stored(row: asyncpg.Record) -> RegistryEvent:
    body = REGISTRY_MODELS[row["event_type"]].model_validate_json(row["body"])
    return RegistryEvent(row["event_id"], row["event_type"], body, row["at"])
