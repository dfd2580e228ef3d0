"""Use case of the brand-gating service: apply registry events in order, gate listings that would be
created (and check the GTIN prefix of every listing), emit brand-cleared or rejected.

A batch reads in four steps: load what it needs (the stored registry events it may release, however long
their chains; the registry slice its events and listings touch; brands registered since the last batch, for
near misses), decide (pure: ``domain/changes.py`` applies the registry events, ``domain/gate.py`` gates each
listing), save (the registry, its history, the decisions), emit.
"""

from __future__ import annotations

import asyncpg
from asinflow_brands import brand_key, closest
from asinflow_contracts import topics
from asinflow_contracts.base import BOUNDS_CHECKED
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

from asinflow_brand_gating.adapters.postgres import PostgresGatingStore
from asinflow_brand_gating.domain.changes import Needs, RegistryEvent, apply_events, needs_of
from asinflow_brand_gating.domain.gate import Facts, Verdict, gate
from asinflow_brand_gating.domain.prefixes import candidate_prefixes, owning_prefix
from asinflow_brand_gating.domain.registry import Brand, Registry
from asinflow_brand_gating.models import LISTING_MODELS, MODELS, REGISTRY_MODELS
from asinflow_brand_gating.store import GateDecision, GatingStore

SERVICE = "brand-gating"
SOURCE = f"/asinflow/{SERVICE}"

_VALIDATED_FIELDS = tuple(ListingValidated.model_fields)
#: Outgoing events are built from events checked against their contracts (bounds included) and our own issues.
_WITHIN_BOUNDS = {BOUNDS_CHECKED: True}
#: Near misses remembered per brand name as written (a feed repeats its brands), until a brand is registered.
_NEAR_MISSES_KEPT = 10_000


class BrandGatingHandler:
    def __init__(self) -> None:
        self._brands: dict[str, Brand] = {}  # every registered brand, for near misses; refreshed per batch
        self._seen_seq = 0
        self._near: dict[str, tuple[str, int] | None] = {}  # brand name -> closest registered brand key, distance

    def parse(self, received: Received) -> Incoming:
        return parse_typed(received, MODELS)

    async def apply(self, conn: asyncpg.Connection, items: list[Incoming]) -> list[Outgoing]:
        return await self.handle(PostgresGatingStore(conn), items)

    async def handle(self, store: GatingStore, items: list[Incoming]) -> list[Outgoing]:
        changes = [RegistryEvent(i.event_id, i.topic, i.body, i.envelope.time) for i in items if _is_registry(i)]
        listings = [i for i in items if i.topic in LISTING_MODELS]
        # load
        stored = await store.waiting_behind(changes)
        needs = needs_of(e.body for e in [*changes, *(w.event for w in stored)]) | _listing_needs(listings)
        registry = await store.load(needs)
        registered = await store.brands_since(self._seen_seq)
        # decide
        history = apply_events(registry, changes, stored)
        self._remember(registered, registry)
        verdicts = [(item, gate(self._facts(item.body, registry))) for item in listings]
        # save
        await store.save(registry)
        await store.record_history(history)
        await store.save_decisions([_decision(item.body, verdict) for item, verdict in verdicts])
        # emit
        return [_event(item, item.body, verdict) for item, verdict in verdicts]

    def _remember(self, registered: list[tuple[int, Brand]], registry: Registry) -> None:
        known = len(self._brands)
        for seq, brand in registered:
            self._brands[brand.key] = brand
            self._seen_seq = max(self._seen_seq, seq)
        self._brands.update(registry.brands)  # this batch's, before their rows are visible to others
        if len(self._brands) != known or len(self._near) > _NEAR_MISSES_KEPT:
            self._near.clear()

    def _closest(self, name: str) -> tuple[Brand, int] | None:
        if name not in self._near:
            self._near[name] = closest(name, self._brands)
        found = self._near[name]
        return (self._brands[found[0]], found[1]) if found is not None else None

    def _facts(self, listing: ListingValidated, registry: Registry) -> Facts:
        key = brand_key(listing.proposal.brand)
        brand = registry.brands.get(key)
        owner = owning_prefix(listing.gtin14, registry.prefixes) if listing.gtin14 else None
        new_asin = isinstance(listing, ListingUnmatched)
        near = self._closest(listing.proposal.brand) if brand is None and new_asin else None
        return Facts(
            seller_id=listing.seller_id,
            sku=listing.sku,
            brand_name=listing.proposal.brand,
            new_asin=new_asin,
            brand=brand,
            authorization=registry.authorization(key, listing.seller_id),
            gtin14=listing.gtin14,
            prefix_owner=(owner[0], registry.brands[owner[1]]) if owner and owner[1] in registry.brands else None,
            near_miss=near,
        )


def _is_registry(item: Incoming) -> bool:
    return item.topic in REGISTRY_MODELS


def _listing_needs(items: list[Incoming]) -> Needs:
    """What gating these listings reads: their brands, and the company prefixes their GTINs could carry
    (with the brands owning them, which the store's ``load`` adds)."""
    listings: list[ListingValidated] = [i.body for i in items]
    return Needs(
        frozenset(brand_key(listing.proposal.brand) for listing in listings),
        frozenset(p for listing in listings if listing.gtin14 for p in candidate_prefixes(listing.gtin14)),
    )


def _decision(listing: ListingValidated, verdict: Verdict) -> GateDecision:
    code = verdict.issues[0].code.value if verdict.rejected else None
    return GateDecision(listing.proposal_id, listing.listing_id, verdict.clearance or "rejected", code)


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
        fields = {
            **base,
            "warnings": [*listing.warnings, *verdict.issues],
            "asin": matched.asin if matched else None,
            "match_kind": matched.match_kind if matched else None,
            "alias_gtin14": matched.alias_gtin14 if matched else None,
            "clearance": verdict.clearance,
        }
        payload = ListingBrandCleared.model_validate(fields, context=_WITHIN_BOUNDS)
    envelope = Envelope.caused_by(
        item.event_id, item.envelope.type, event_type, source=SOURCE, subject=str(listing.listing_id)
    )
    return Outgoing(event_type, str(listing.listing_id), envelope, payload)
