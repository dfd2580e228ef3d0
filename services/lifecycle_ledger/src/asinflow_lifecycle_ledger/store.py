"""The lifecycle ledger's port: its tables (listing versions, history, parked events, issue notices) behind
``LedgerStore``, with a PostgreSQL adapter and an in-memory fake (``adapters/``).

Every method takes and returns collections, so a batch costs a fixed number of statements whatever its
size; the parked events a batch may release are found in one go, however long their chains.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from asinflow_lifecycle_ledger.domain.book import Book, LedgerEvent, ListingVersion
from asinflow_lifecycle_ledger.domain.notices import IssueNotice


@dataclass(frozen=True)
class Parked:
    """An event waiting for the event ``waiting_for`` (its cause, or its proposal) to be applied."""

    event: LedgerEvent
    waiting_for: uuid.UUID
    parked_at: datetime


class LedgerStore(Protocol):
    async def lock_listings(self, listing_ids: Collection[uuid.UUID]) -> None:
        """Keep other instances off these listings until the transaction ends (all taken at once, in a fixed
        order, so two batches cannot deadlock)."""
        ...

    async def parked_behind(self, event_ids: Collection[uuid.UUID]) -> list[Parked]:
        """The parked events waiting for any of ``event_ids``, those waiting for them, and so on; oldest first."""
        ...

    async def versions(self, listing_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[ListingVersion]]:
        """Every version of these listings, oldest first (listings without versions are left out)."""
        ...

    async def applied(self, event_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these events the ledger applied before (legally or not)."""
        ...

    async def notices(self, listing_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, IssueNotice]:
        """The ``listing.issues-changed`` last sent for each of these listings (those never notified are left out)."""
        ...

    async def save(self, book: Book) -> None:
        """What a book changed: its changed versions (upserted), its history (appended in order), the events it
        parked (added; one already parked is left as it was), the parked ones it took back (removed) and the last
        issue notice of each listing it sent one for (upserted)."""
        ...

    async def mark_orphans(self, older_than_s: float) -> list[Parked]:
        """Mark parked events waiting longer than ``older_than_s`` as orphans; returns those just marked."""
        ...
