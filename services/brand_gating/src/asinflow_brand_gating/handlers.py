"""Use case of the brand-gating service: apply registry events in order, gate listings that would be
created (and check the GTIN prefix of every listing), emit brand-cleared or rejected."""

from __future__ import annotations

import asyncpg
from asinflow_brands import brand_key, closest
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import (
    ListingBrandCleared,
    ListingMatched,
    ListingRejected,
    ListingUnmatched,
    ListingValidated,
)
from asinflow_runtime.intake import Received
from asinflow_runtime.messages import Incoming, Outgoing
from asinflow_runtime.records import parse_typed
from pydantic import BaseModel

from asinflow_brand_gating.adapters import postgres
from asinflow_brand_gating.changes import Needs, RegistryEvent, apply_events, extend, load, needs_of
from asinflow_brand_gating.domain.gate import Facts, Verdict, gate
from asinflow_brand_gating.domain.prefixes import candidate_prefixes, owning_prefix
from asinflow_brand_gating.domain.registry import Brand, Registry
from asinflow_brand_gating.models import LISTING_MODELS, MODELS, REGISTRY_MODELS

SERVICE = "brand-gating"
SOURCE = f"/asinflow/{SERVICE}"

_VALIDATED_FIELDS = tuple(ListingValidated.model_fields)


class BrandGatingHandler:
    def __init__(self) -> None:
        self._brands: dict[str, Brand] = {}  # every registered brand, for near misses; refreshed per batch
        self._seen_seq = 0

    def parse(self, received: Received) -> Incoming:
        return parse_typed(received, MODELS)

    async def apply(self, conn: asyncpg.Connection, items: list[Incoming]) -> list[Outgoing]:
        changes = [i for i in items if i.topic in REGISTRY_MODELS]
        listings = [i for i in items if i.topic in LISTING_MODELS]
        registry = await load(conn, needs_of(i.body for i in changes))
        await extend(conn, registry, _listing_needs([i.body for i in listings]))
        events = [RegistryEvent(i.event_id, i.topic, i.body, i.envelope.time) for i in changes]
        history = await apply_events(conn, registry, events)
        await postgres.save(conn, registry)
        await postgres.record_history(conn, history)
        await self._refresh_brands(conn, registry)
        outgoing: list[Outgoing] = []
        decisions = []
        for item in listings:
            listing: ListingValidated = item.body
            verdict = gate(self._facts(listing, registry))
            outgoing.append(_event(item, listing, verdict))
            decisions.append(
                (
                    listing.proposal_id,
                    listing.listing_id,
                    verdict.clearance or "rejected",
                    verdict.issues[0].code.value if verdict.rejected else None,
                )
            )
        await postgres.save_decisions(conn, decisions)
        return outgoing

    async def _refresh_brands(self, conn: asyncpg.Connection, registry: Registry) -> None:
        for seq, brand in await postgres.brands_since(conn, self._seen_seq):
            self._brands[brand.key] = brand
            self._seen_seq = max(self._seen_seq, seq)
        self._brands.update(registry.brands)  # this batch's, before their rows are visible to others

    def _facts(self, listing: ListingValidated, registry: Registry) -> Facts:
        key = brand_key(listing.proposal.brand)
        brand = registry.brands.get(key)
        owner = owning_prefix(listing.gtin14, registry.prefixes) if listing.gtin14 else None
        near = None
        if brand is None and isinstance(listing, ListingUnmatched):
            found = closest(listing.proposal.brand, self._brands)
            if found is not None:
                near = (self._brands[found[0]], found[1])
        return Facts(
            seller_id=listing.seller_id,
            sku=listing.sku,
            brand_name=listing.proposal.brand,
            new_asin=isinstance(listing, ListingUnmatched),
            brand=brand,
            authorization=registry.authorization(key, listing.seller_id),
            gtin14=listing.gtin14,
            prefix_owner=(owner[0], registry.brands[owner[1]]) if owner and owner[1] in registry.brands else None,
            near_miss=near,
        )


def _listing_needs(listings: list[ListingValidated]) -> Needs:
    """What gating these listings reads: their brands, and the company prefixes their GTINs could carry
    (with the brands owning them, which ``load`` adds)."""
    return Needs(
        {brand_key(listing.proposal.brand) for listing in listings},
        {p for listing in listings if listing.gtin14 for p in candidate_prefixes(listing.gtin14)},
        set(),
        set(),
    )


def _event(item: Incoming, listing: ListingValidated, verdict: Verdict) -> Outgoing:
    payload: BaseModel
    if verdict.rejected:
        event_type = topics.LISTING_REJECTED
        payload = ListingRejected.of(listing, verdict.issues)
    else:
        assert verdict.clearance is not None
        event_type = topics.LISTING_BRAND_CLEARED
        matched = listing if isinstance(listing, ListingMatched) else None
        base = {name: getattr(listing, name) for name in _VALIDATED_FIELDS}
        payload = ListingBrandCleared(
            **{**base, "warnings": [*listing.warnings, *verdict.issues]},
            asin=matched.asin if matched else None,
            match_kind=matched.match_kind if matched else None,
            alias_gtin14=matched.alias_gtin14 if matched else None,
            clearance=verdict.clearance,
        )
    envelope = Envelope.caused_by(
        item.event_id, item.envelope.type, event_type, source=SOURCE, subject=str(listing.listing_id)
    )
    return Outgoing(event_type, str(listing.listing_id), envelope, payload)
