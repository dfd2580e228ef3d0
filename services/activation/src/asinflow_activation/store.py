"""The activation service's storage port: what a batch loads and saves, every call for the whole batch at once.

``adapters.postgres.PostgresActivationStore`` implements it on the pipeline's open transaction,
``adapters.memory.InMemoryActivationStore`` in plain dicts (the handler's unit tests); one contract suite
(tests/integration/test_activation_store_contract.py) runs against both.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from typing import Protocol

from asinflow_activation.domain.changes import NewRequest, RefusalRecord, Request, RequestDecision, Resolution
from asinflow_activation.domain.status import ListingStatus, Violation

__all__ = [
    "ActivationStore",
    "ListingStatus",
    "NewRequest",
    "RefusalRecord",
    "Request",
    "RequestDecision",
    "Resolution",
    "Violation",
]


class ActivationStore(Protocol):
    async def lock(self, listing_ids: Collection[uuid.UUID]) -> None:
        """Serialise concurrent instances on these listings until the batch ends."""
        ...

    async def listings_of_asins(self, asins: Collection[str]) -> dict[str, list[uuid.UUID]]:
        """The created listings on each of these ASINs."""
        ...

    async def statuses(self, listing_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, ListingStatus]:
        """The created listings among these, with their stock and open violations (fresh objects: changing
        one changes nothing stored)."""
        ...

    async def stock(self, listing_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
        """Known quantities, also of listings not created yet."""
        ...

    async def open_asin_violations(self, asins: Collection[str]) -> dict[str, list[Violation]]:
        """ASIN-level violations not resolved yet, by ASIN."""
        ...

    async def requests(self, request_ids: Collection[str]) -> dict[str, Request]: ...

    async def save_statuses(self, statuses: Collection[ListingStatus]) -> None:
        """Insert or replace each listing's state, ASIN, proposal, last event, sequence and the status last notified
        with its sequence (not its stock or violations: those have their own calls)."""
        ...

    async def save_stock(self, stock: Mapping[uuid.UUID, int]) -> None: ...

    async def add_violations(self, violations: Sequence[tuple[uuid.UUID, Violation]]) -> None:
        """(listing, violation): a violation already recorded on a listing is kept as it is."""
        ...

    async def add_asin_violations(self, violations: Sequence[tuple[str, Violation]]) -> None:
        """(asin, violation): a violation id already recorded is kept as it is."""
        ...

    async def resolve(self, resolutions: Sequence[Resolution]) -> None:
        """Close these listing violations; an ASIN-level violation closes once no listing has it open."""
        ...

    async def add_requests(self, requests: Sequence[NewRequest]) -> None:
        """New reactivation requests; a request id already recorded is kept as it is."""
        ...

    async def decide_requests(self, decisions: Sequence[RequestDecision]) -> None: ...

    async def add_refusals(self, refusals: Sequence[RefusalRecord]) -> None: ...

    async def refusals(self, listing_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[RefusalRecord]]:
        """Refusals recorded for these listings, oldest first."""
        ...
