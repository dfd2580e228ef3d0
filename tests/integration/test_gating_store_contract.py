"""One contract for the brand-gating store, run against the fake (``memory``) and PostgreSQL (``postgres``, in a
transaction rolled back after each test). And: a batch costs the same number of statements whatever its size."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from asinflow_brand_gating.adapters.memory import InMemoryGatingStore
from asinflow_brand_gating.adapters.postgres import PostgresGatingStore
from asinflow_brand_gating.app import SPEC
from asinflow_brand_gating.domain.changes import HistoryRow, Needs, RegistryEvent, needs_of
from asinflow_brand_gating.domain.registry import ApprovalRequest, Authorization, Brand, Exemption, Registry
from asinflow_brand_gating.handlers import BrandGatingHandler
from asinflow_brand_gating.store import GateDecision, GatingStore
from asinflow_brands import brand_key
from asinflow_contracts import topics
from asinflow_contracts.events import (
    ApprovalEvidence,
    BrandApprovalDecided,
    BrandApprovalRequested,
    BrandAuthorizationGranted,
    BrandAuthorizationRevoked,
    BrandRegistered,
    ExemptionGranted,
    ExemptionRevoked,
)
from asinflow_runtime.db import migrate, reliability_migrations
from asinflow_runtime.intake import receive
from pydantic import BaseModel

from tests.unit.gating.registry_events import TOPIC_OF, listing, listing_record, record

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


async def migrated(conn: asyncpg.Connection) -> None:
    await migrate(conn, SPEC.schema, [*reliability_migrations(), *SPEC.migrations])


@pytest.fixture(params=["memory", "postgres"])
async def store(request: pytest.FixtureRequest, pool: asyncpg.Pool) -> AsyncIterator[GatingStore]:
    if request.param == "memory":
        yield InMemoryGatingStore()
        return
    async with pool.acquire() as conn:
        await migrated(conn)
        transaction = conn.transaction()
        await transaction.start()
        try:
            yield PostgresGatingStore(conn)
        finally:
            await transaction.rollback()


def name() -> str:
    """A brand name of the test's own (letters only: digits would be read as look-alike letters)."""
    return "Brand " + "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:10])


def event(body: BaseModel, at: datetime = T0) -> RegistryEvent:
    return RegistryEvent(uuid.uuid4(), TOPIC_OF[type(body)], body, at)


def row(e: RegistryEvent, waiting_for: str | None, applied: bool = False) -> HistoryRow:
    return HistoryRow(
        e.event_id,
        e.event_type,
        brand_key(str(getattr(e.body, "brand", ""))),
        e.body.model_dump_json(),
        e.at,
        applied,
        "" if applied else "waits",
        waiting_for,
    )


def full_registry(brand: str, owner: str, friend: str) -> Registry:
    key = brand_key(brand)
    registry = Registry()
    registry.brands[key] = Brand(key, brand, owner)
    registry.authorizations[(key, friend)] = Authorization(key, friend, ("A-1", "A-2"), True, "granted by x", T0)
    registry.authorizations[(key, owner)] = Authorization(key, owner, None, False, "revoked by x", T0)
    registry.prefixes["4012345"] = key
    registry.exemptions["EX-" + key] = Exemption("EX-" + key, brand, key, "SKU-1", friend, True, T0)
    registry.requests["REQ-" + key] = ApprovalRequest(
        "REQ-" + key, key, friend, None, {"title": "t"}, ["brand", "SKU"], "incomplete"
    )
    registry.changed = {
        ("brand", key),
        ("authorization", (key, friend)),
        ("authorization", (key, owner)),
        ("prefix", "4012345"),
        ("exemption", "EX-" + key),
        ("request", "REQ-" + key),
    }
    return registry


async def test_the_registry_comes_back_as_it_was_saved(store: GatingStore) -> None:
    brand, owner, friend = name(), "S-OWNER", "S-FRIEND"
    key = brand_key(brand)
    saved = full_registry(brand, owner, friend)
    await store.save(saved)
    assert saved.changed == set()
    loaded = await store.load(
        Needs(frozenset({key}), frozenset({"4012345"}), frozenset({"EX-" + key}), frozenset({"REQ-" + key}))
    )
    assert loaded.brands == {key: Brand(key, brand, owner)}
    assert loaded.authorizations == full_registry(brand, owner, friend).authorizations
    assert loaded.prefixes == {"4012345": key}
    assert loaded.exemptions == full_registry(brand, owner, friend).exemptions
    assert loaded.requests == full_registry(brand, owner, friend).requests
    assert loaded.changed == set()


async def test_a_slice_holds_what_was_asked_and_the_brands_of_prefixes_and_requests(store: GatingStore) -> None:
    brand = name()
    key = brand_key(brand)
    await store.save(full_registry(brand, "S-OWNER", "S-FRIEND"))
    by_prefix = await store.load(Needs(prefixes=frozenset({"4012345"})))
    assert set(by_prefix.brands) == {key} and len(by_prefix.authorizations) == 2
    assert by_prefix.exemptions == {} and by_prefix.requests == {}
    by_request = await store.load(Needs(request_ids=frozenset({"REQ-" + key})))
    assert set(by_request.brands) == {key} and set(by_request.requests) == {"REQ-" + key}
    nothing = await store.load(Needs(frozenset({brand_key(name())})))
    assert (nothing.brands, nothing.authorizations, nothing.prefixes) == ({}, {}, {})


async def test_a_slice_is_a_copy_until_saved(store: GatingStore) -> None:
    brand = name()
    key = brand_key(brand)
    await store.save(full_registry(brand, "S-OWNER", "S-FRIEND"))
    needs = Needs(frozenset({key}))
    loaded = await store.load(needs)
    loaded.authorizations[(key, "S-FRIEND")].active = False
    assert (await store.load(needs)).authorizations[(key, "S-FRIEND")].active is True
    loaded.changed.add(("authorization", (key, "S-FRIEND")))
    await store.save(loaded)
    assert (await store.load(needs)).authorizations[(key, "S-FRIEND")].active is False


async def test_a_saved_request_changes_only_its_decision(store: GatingStore) -> None:
    brand = name()
    key = brand_key(brand)
    await store.save(full_registry(brand, "S-OWNER", "S-FRIEND"))
    needs = Needs(request_ids=frozenset({"REQ-" + key}))
    loaded = await store.load(needs)
    request = loaded.requests["REQ-" + key]
    request.status, request.decided_by, request.reason = "rejected", "S-OWNER", "no invoices"
    request.missing = []
    loaded.changed.add(("request", request.request_id))
    await store.save(loaded)
    again = (await store.load(needs)).requests["REQ-" + key]
    assert (again.status, again.decided_by, again.reason, again.missing) == (
        "rejected",
        "S-OWNER",
        "no invoices",
        ["brand", "SKU"],
    )


async def test_brands_are_numbered_in_the_order_registered(store: GatingStore) -> None:
    before = await store.brands_since(0)
    last = max((n for n, _ in before), default=0)
    first, second = name(), name()
    for brand in (first, second):
        registry = Registry(brands={brand_key(brand): Brand(brand_key(brand), brand, "S-1")})
        registry.changed.add(("brand", brand_key(brand)))
        await store.save(registry)
    new = await store.brands_since(last)
    assert [b.display for _, b in new] == [first, second]
    assert new[0][0] < new[1][0]
    assert [b.display for _, b in await store.brands_since(new[0][0])] == [second]


async def test_waiting_events_are_found_behind_what_a_batch_brings_however_long_the_chain(store: GatingStore) -> None:
    brand, applicant = name(), "S-APPLICANT"
    key = brand_key(brand)
    evidence = ApprovalEvidence(title="t")
    decide = event(BrandApprovalDecided(request_id="R-" + key, brand=name(), decision="approved", by="operator"))
    request = event(BrandApprovalRequested(request_id="R-" + key, brand=brand, seller_id=applicant, evidence=evidence))
    revoke = event(BrandAuthorizationRevoked(brand=brand, seller_id=applicant, by="operator"))
    unexempt = event(ExemptionRevoked(exemption_id="EX-" + key, brand=name()))
    unrelated = event(BrandAuthorizationGranted(brand=name(), seller_id=applicant, by="operator"))
    decided = event(BrandRegistered(brand=brand, owner_seller_id="S-1"))
    await store.record_history(
        [
            row(decided, None, applied=True),
            row(decide, "request:R-" + key),  # another brand's name: found through its request
            row(request, "brand:" + key),
            row(revoke, f"authorization:{key}/{applicant}"),
            row(unexempt, "exemption:EX-" + key),
            row(unrelated, "brand:" + brand_key(str(unrelated.body.brand))),  # type: ignore[attr-defined]
        ]
    )
    register = event(BrandRegistered(brand=brand, owner_seller_id="S-1"))
    found = await store.waiting_behind([register])
    assert [(w.event.event_id, w.waiting_for) for w in found] == [
        (decide.event_id, "request:R-" + key),
        (request.event_id, "brand:" + key),
        (revoke.event_id, f"authorization:{key}/{applicant}"),
    ]
    assert found[1].event.body == request.body and found[1].event.at == request.at
    grant = event(ExemptionGranted(exemption_id="EX-" + key, brand=name()))
    assert [w.event.event_id for w in await store.waiting_behind([grant])] == [unexempt.event_id]
    assert await store.waiting_behind([]) == []


async def test_an_event_recorded_again_moves_to_the_end_of_the_history(store: GatingStore) -> None:
    brand = name()
    key = brand_key(brand)
    first = event(BrandAuthorizationGranted(brand=brand, seller_id="S-2", by="operator"))
    second = event(BrandAuthorizationGranted(brand=brand, seller_id="S-3", by="operator"))
    await store.record_history([row(first, "brand:" + key), row(second, "brand:" + key)])
    await store.record_history([row(first, "authorization:x/y")])  # waits for something else now
    register = event(BrandRegistered(brand=brand, owner_seller_id="S-1"))
    assert [w.event.event_id for w in await store.waiting_behind([register])] == [second.event_id]
    await store.record_history([row(second, None, applied=True)])
    assert await store.waiting_behind([register]) == []


async def test_saving_a_decision_twice_is_allowed(store: GatingStore) -> None:
    proposal, lid = uuid.uuid4(), uuid.uuid4()
    await store.save_decisions([GateDecision(proposal, lid, "owner", None)])
    await store.save_decisions([GateDecision(proposal, lid, "rejected", "BRAND_NOT_AUTHORIZED")])  # first kept
    await store.save_decisions([])


# --- statements per batch --------------------------------------------------------------------------------


async def statements(conn: asyncpg.Connection, run: Awaitable[object]) -> int:
    """How many statements ``run`` sends on ``conn``."""
    seen: list[object] = []
    conn.add_query_logger(seen.append)
    try:
        await run
    finally:
        conn.remove_query_logger(seen.append)
    return len(seen)


async def test_a_batch_costs_the_same_statements_whatever_its_size(pool: asyncpg.Pool) -> None:
    handler = BrandGatingHandler()

    def batch(brands: int, listings: int) -> list[object]:
        names = [name() for _ in range(brands)]
        at = T0 + timedelta(minutes=1)
        records = [record(BrandRegistered(brand=b, owner_seller_id=f"S-{i}"), at) for i, b in enumerate(names)]
        records += [
            listing_record(listing(f"S-{i}", f"L-{i}", names[i % brands], gtin14=f"040{i:05d}000017"[:14]), at)
            for i in range(listings)
        ]
        return [handler.parse(receive(r)) for r in records]

    async with pool.acquire() as conn:
        await migrated(conn)
        transaction = conn.transaction()
        await transaction.start()
        try:
            store = PostgresGatingStore(conn)
            await handler.handle(store, batch(2, 2))  # warm-up: types introspected, brands known
            one = await statements(conn, handler.handle(store, batch(1, 1)))  # type: ignore[arg-type]
            assert await statements(conn, handler.handle(store, batch(100, 200))) == one  # type: ignore[arg-type]
        finally:
            await transaction.rollback()


def test_needs_of_events_name_their_brands_requests_and_exemptions() -> None:
    bodies = [
        BrandRegistered(brand="Acme Inc.", owner_seller_id="S-1"),
        BrandApprovalDecided(request_id="R-1", brand="Other", decision="approved", by="operator"),
        ExemptionGranted(exemption_id="EX-1", brand="Acme"),
    ]
    needs = needs_of(bodies)
    assert needs.brand_keys == {"acme", "other"}
    assert (needs.request_ids, needs.exemption_ids, needs.prefixes) == ({"R-1"}, {"EX-1"}, frozenset())
    assert topics.BRAND_REGISTERED in TOPIC_OF.values()
