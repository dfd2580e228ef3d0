"""The identifier-validation service's storage port: what a batch loads and saves, every call for the whole
batch at once.

``adapters.postgres.PostgresValidationStore`` implements it on the pipeline's open transaction,
``adapters.memory.InMemoryValidationStore`` in plain dicts (the handler's unit tests); one contract suite
(tests/integration/test_validation_store_contract.py) runs against both.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Protocol

from asinflow_identifier_validation.domain.exemptions import Exemption, ExemptionRecord
from asinflow_identifier_validation.domain.records import DecisionRecord, FamilyRecord, Key, WaitingChild

__all__ = ["DecisionRecord", "Exemption", "ExemptionRecord", "FamilyRecord", "Key", "ValidationStore", "WaitingChild"]


class ValidationStore(Protocol):
    async def exemptions(self, exemption_ids: Collection[str]) -> dict[str, ExemptionRecord]:
        """This service's copy of these exemptions, granted or revoked."""
        ...

    async def save_exemptions(self, records: Sequence[ExemptionRecord]) -> None:
        """Keep these grants and revocations, one per exemption; a record made later than the one given (by
        another instance meanwhile) is kept instead."""
        ...

    async def family(self, members: Collection[Key], children_of: Collection[Key]) -> list[FamilyRecord]:
        """Family records of these members and of the children of these parents."""
        ...

    async def latest_rejected(self, listing_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these listings' latest proposal was rejected."""
        ...

    async def waiting_children(self, parents: Collection[Key]) -> list[WaitingChild]:
        """Children waiting for these parents, and for those children in turn, oldest first; held for this
        batch (another instance does not take them until it ends)."""
        ...

    async def save_decisions(self, decisions: Sequence[DecisionRecord]) -> None:
        """Record outcomes; a proposal already decided keeps its first outcome."""
        ...

    async def save_family(self, records: Sequence[FamilyRecord]) -> None:
        """Each listing's latest validated proposal (the last of several for one listing wins)."""
        ...

    async def park_children(self, children: Sequence[WaitingChild]) -> None:
        """Children to wait for their parent; one parked already stays as it is (with its waiting time)."""
        ...

    async def release_children(self, event_ids: Collection[uuid.UUID]) -> None:
        """Take these children out of the waiting room (their parent is decided)."""
        ...

    async def take_expired_children(self, older_than_s: float) -> list[WaitingChild]:
        """Take out the children that waited longer than this, oldest first."""
        ...
