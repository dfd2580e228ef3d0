"""The brand-gating service's port: the registry (its projection and its history) and the gating decisions
behind ``GatingStore``, with a PostgreSQL adapter and an in-memory fake (``adapters/``).

Every method takes and returns collections, so a batch costs a fixed number of statements whatever its
size; the stored events a batch may release are found in one go, however long their chains.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from asinflow_brand_gating.domain.changes import HistoryRow, Needs, RegistryEvent, Waiting
from asinflow_brand_gating.domain.registry import Brand, Registry


@dataclass(frozen=True)
class GateDecision:
    """What gating decided for one proposal: its clearance, or ``rejected`` with the code."""

    proposal_id: uuid.UUID
    listing_id: uuid.UUID
    outcome: str
    code: str | None


class GatingStore(Protocol):
    async def waiting_behind(self, events: Sequence[RegistryEvent]) -> list[Waiting]:
        """The stored events waiting for something these events may bring (``changes.Releases``), those waiting
        for something those may bring, and so on; in the order they were stored."""
        ...

    async def load(self, needs: Needs) -> Registry:
        """The slice of the registry about these brands, prefixes, exemptions and requests (with the brands of
        the prefixes and requests found)."""
        ...

    async def brands_since(self, seq: int) -> list[tuple[int, Brand]]:
        """Every brand registered after the one numbered ``seq``, with its number, in order."""
        ...

    async def save(self, registry: Registry) -> None:
        """Upsert every entity the registry's ``changed`` names, and clear it."""
        ...

    async def record_history(self, rows: Sequence[HistoryRow]) -> None:
        """Append the rows in order; an event recorded before (it waited) moves to the end with its outcome."""
        ...

    async def save_decisions(self, decisions: Sequence[GateDecision]) -> None:
        """Record the decisions; a proposal decided before keeps its first decision."""
        ...
