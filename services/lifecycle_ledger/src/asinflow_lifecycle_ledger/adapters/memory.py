"""An in-memory fake of ``store.LedgerStore`` for handler tests without PostgreSQL: the same observable
behaviour as ``PostgresLedgerStore`` for everything the handler relies on (versions come back as fresh copies,
history is appended in order, an event already parked stays as it was); locks are no-ops."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from asinflow_lifecycle_ledger.domain.book import Book, HistoryEntry, ListingVersion
from asinflow_lifecycle_ledger.domain.notices import IssueNotice
from asinflow_lifecycle_ledger.store import Parked


@dataclass(frozen=True)
class ParkedRow:
    parked: Parked
    seq: int  # the order parked (PostgreSQL: each row's clock_timestamp())
    orphaned_at: datetime | None = None


class InMemoryLedgerStore:
    """``store.LedgerStore`` in plain dicts and lists."""

    def __init__(self) -> None:
        self.versions_of: dict[uuid.UUID, dict[int, ListingVersion]] = {}
        self.history: list[HistoryEntry] = []
        self._applied: set[uuid.UUID] = set()
        self._seq = 0
        self.parked: dict[uuid.UUID, ParkedRow] = {}
        self.locked: list[list[uuid.UUID]] = []
        self.issue_notices: dict[uuid.UUID, IssueNotice] = {}

    async def lock_listings(self, listing_ids: Collection[uuid.UUID]) -> None:
        if listing_ids:
            self.locked.append(sorted(set(listing_ids)))

    async def parked_behind(self, event_ids: Collection[uuid.UUID]) -> list[Parked]:
        found: dict[uuid.UUID, Parked] = {}
        causes = set(event_ids)
        while causes:
            behind = [r.parked for r in self.parked.values() if r.parked.waiting_for in causes]
            causes = {p.event.event_id for p in behind} - set(found)
            found.update((p.event.event_id, p) for p in behind)
        return sorted(found.values(), key=lambda p: self.parked[p.event.event_id].seq)

    async def versions(self, listing_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[ListingVersion]]:
        return {
            listing: [
                dataclasses.replace(v, issues=list(v.issues), dirty=False)
                for _, v in sorted(self.versions_of[listing].items())
            ]
            for listing in set(listing_ids)
            if self.versions_of.get(listing)
        }

    async def notices(self, listing_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, IssueNotice]:
        return {listing: self.issue_notices[listing] for listing in set(listing_ids) if listing in self.issue_notices}

    async def applied(self, event_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        return self._applied & set(event_ids)

    async def save(self, book: Book) -> None:
        for versions in book.versions.values():
            for v in versions:
                if not v.dirty:
                    continue
                kept = self.versions_of.setdefault(v.listing_id, {})
                old = kept.get(v.version)
                fresh = dataclasses.replace(v, issues=list(v.issues), dirty=False)
                if old is not None:  # ON CONFLICT: only what a later event changes
                    fresh = dataclasses.replace(
                        old, state=v.state, asin=v.asin, issues=list(v.issues), updated_at=v.updated_at
                    )
                kept[v.version] = fresh
        self.history += book.history
        self._applied.update(h.event_id for h in book.history)
        for event_id in book.unparked:
            self.parked.pop(event_id, None)
        for waiting_for, event in book.parked:
            if event.event_id not in self.parked:
                self._seq += 1
                self.parked[event.event_id] = ParkedRow(Parked(event, waiting_for, datetime.now(UTC)), self._seq)
        for notice in book.changed_notices:
            self.issue_notices[notice.listing_id] = notice

    async def mark_orphans(self, older_than_s: float) -> list[Parked]:
        limit = datetime.now(UTC) - timedelta(seconds=older_than_s)
        marked = []
        for event_id, row in self.parked.items():
            if row.orphaned_at is None and row.parked.parked_at < limit:
                self.parked[event_id] = dataclasses.replace(row, orphaned_at=datetime.now(UTC))
                marked.append(row.parked)
        return marked
