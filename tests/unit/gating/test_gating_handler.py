"""The brand-gating handler on its in-memory store (no PostgreSQL): owner, authorised seller and stranger
(5461 with the evidence list), offers on existing ASINs, GS1 prefixes (8572), near misses, and registry events
that wait for their brand, request, authorisation or exemption and are applied when it comes."""

from __future__ import annotations

import uuid

import pytest
from asinflow_brand_gating.adapters.memory import InMemoryGatingStore
from asinflow_brand_gating.domain.evidence import REQUIRED_EVIDENCE
from asinflow_brand_gating.handlers import BrandGatingHandler
from asinflow_brands import brand_key
from asinflow_contracts import topics
from asinflow_contracts.events import (
    ApprovalEvidence,
    BrandApprovalDecided,
    BrandApprovalRequested,
    BrandAuthorizationGranted,
    BrandAuthorizationRevoked,
    BrandPrefixRegistered,
    BrandRegistered,
    ExemptionGranted,
    ExemptionRevoked,
    ListingBrandCleared,
    ListingMatched,
    ListingRejected,
    ListingUnmatched,
)
from asinflow_runtime.intake import receive
from asinflow_runtime.messages import Outgoing
from pydantic import BaseModel

from tests.unit.gating.registry_events import Clock, Record, listing, listing_record, record

pytestmark = pytest.mark.unit

COMPLETE = ApprovalEvidence.model_validate(
    {
        "title": "Kestrel Trail Lantern",
        "brand": "Kestrel",
        "manufacturer": "Kestrel Outdoor",
        "category": "LANTERN",
        "description": "Rechargeable",
        "sku": "K-1",
        "identifiers": [{"type": "EAN", "value": "4006381333931"}],
        "batch_id": "LOT-1",
        "images": [
            {"url": "https://img.example/f.jpg", "view": "front"},
            {"url": "https://img.example/b.jpg", "view": "back"},
            {"url": "https://img.example/c.jpg", "view": "barcode"},
        ],
    }
)


class Gating:
    def __init__(self) -> None:
        self.store = InMemoryGatingStore()
        self.handler = BrandGatingHandler()
        self.clock = Clock()

    async def send(self, *events: BaseModel | Record) -> list[Outgoing]:
        records = [e if isinstance(e, Record) else self.record(e) for e in events]
        return await self.handler.handle(self.store, [self.handler.parse(receive(r)) for r in records])

    def record(self, event: BaseModel) -> Record:
        if isinstance(event, ListingMatched | ListingUnmatched):
            return listing_record(event, self.clock.tick())
        return record(event, self.clock.tick())

    async def gate(self, event: ListingMatched | ListingUnmatched) -> Outgoing:
        [out] = await self.send(event)
        return out

    def outcome(self, event: BaseModel) -> tuple[bool, str, str | None]:
        """(applied, reason, waiting for) of the registry event with this body."""
        [row] = [r for r in self.store.history.values() if r.body == event.model_dump_json()]
        return row.applied, row.reason, row.waiting_for


def seller() -> str:
    return f"S-{uuid.uuid4().hex[:8]}"


def cleared(out: Outgoing) -> ListingBrandCleared:
    assert out.topic == topics.LISTING_BRAND_CLEARED, out.body()
    return ListingBrandCleared.model_validate_json(out.body())


def rejected(out: Outgoing) -> ListingRejected:
    assert out.topic == topics.LISTING_REJECTED, out.body()
    return ListingRejected.model_validate_json(out.body())


# --- who may create new ASINs ---------------------------------------------------------------------------


async def test_owner_and_authorised_sellers_create_a_stranger_gets_5461_with_the_evidence_list() -> None:
    g = Gating()
    owner, friend, stranger = seller(), seller(), seller()
    await g.send(
        BrandRegistered(brand="Kestrel", owner_seller_id=owner),
        BrandAuthorizationGranted(brand="Kestrel", seller_id=friend, by=owner),
    )
    assert cleared(await g.gate(listing(owner, "K-1", "Kestrel"))).clearance == "owner"
    assert cleared(await g.gate(listing(friend, "K-2", "KESTREL"))).clearance == "authorized"
    stranger_listing = listing(stranger, "K-3", "Kestrel")
    out = await g.gate(stranger_listing)
    event = rejected(out)
    assert (event.code, event.amazon_code, event.attribute) == ("BRAND_NOT_AUTHORIZED", 5461, "brand")
    assert owner in event.remedy and all(item in event.remedy for item in REQUIRED_EVIDENCE)
    assert out.envelope.causation_id is not None and out.key == str(stranger_listing.listing_id)
    decision = g.store.decisions[stranger_listing.proposal_id]
    assert (decision.outcome, decision.code) == ("rejected", "BRAND_NOT_AUTHORIZED")
    assert [d.outcome for d in g.store.decisions.values()] == ["owner", "authorized", "rejected"]


async def test_an_authorisation_for_some_skus_covers_only_those() -> None:
    g = Gating()
    owner, friend = seller(), seller()
    await g.send(
        BrandRegistered(brand="Kestrel", owner_seller_id=owner),
        BrandAuthorizationGranted(brand="Kestrel", seller_id=friend, skus=["K-1"], by=owner),
    )
    assert cleared(await g.gate(listing(friend, "K-1", "Kestrel"))).clearance == "authorized"
    event = rejected(await g.gate(listing(friend, "K-2", "Kestrel")))
    assert event.code == "BRAND_NOT_AUTHORIZED" and "covers SKUs K-1 only" in event.message


async def test_offers_on_existing_asins_and_brands_outside_the_registry_pass() -> None:
    g = Gating()
    await g.send(BrandRegistered(brand="Kestrel", owner_seller_id=seller()))
    offer = cleared(await g.gate(listing(seller(), "O-1", "Kestrel", asin="B0KESTREL1")))
    assert (offer.clearance, offer.asin, offer.match_kind) == ("offer", "B0KESTREL1", "GTIN")
    assert cleared(await g.gate(listing(seller(), "U-1", "Totally Different"))).clearance == "unregistered"


async def test_a_batch_of_listings_and_registry_events_is_decided_together_in_order() -> None:
    g = Gating()
    owner, stranger = seller(), seller()
    out = await g.send(
        listing(stranger, "B-1", "Kestrel"),
        BrandRegistered(brand="Kestrel", owner_seller_id=owner),
        listing(owner, "B-2", "Kestrel"),
    )
    # registry events apply first: the brand gates every listing of the batch
    assert [o.topic for o in out] == [topics.LISTING_REJECTED, topics.LISTING_BRAND_CLEARED]


async def test_revocation_stops_new_creations() -> None:
    g = Gating()
    owner, friend = seller(), seller()
    await g.send(
        BrandRegistered(brand="Kestrel", owner_seller_id=owner),
        BrandAuthorizationGranted(brand="Kestrel", seller_id=friend, by=owner),
    )
    await g.send(BrandAuthorizationRevoked(brand="Kestrel", seller_id=friend, by=owner, reason="contract ended"))
    assert rejected(await g.gate(listing(friend, "K-9", "Kestrel"))).code == "BRAND_NOT_AUTHORIZED"


# --- GS1 prefixes ---------------------------------------------------------------------------------------


async def test_a_gtin_with_another_brands_prefix_is_rejected_8572_for_offers_and_new_asins() -> None:
    g = Gating()
    owner = seller()
    await g.send(BrandRegistered(brand="Kestrel", owner_seller_id=owner))
    await g.send(BrandPrefixRegistered(brand="Kestrel", prefix="4012345", by=owner))
    gtin = "04012345000017"
    for event in (
        listing(seller(), "P-1", "Other", gtin14=gtin),
        listing(seller(), "P-2", "Other", gtin14=gtin, asin="B0OTHER001"),
    ):
        problem = rejected(await g.gate(event))
        assert (problem.code, problem.amazon_code) == ("GTIN_BRAND_MISMATCH", 8572)
        assert "Kestrel" in problem.message and "4012345" in problem.message
    assert cleared(await g.gate(listing(owner, "P-3", "Kestrel", gtin14=gtin))).clearance == "owner"
    assert cleared(await g.gate(listing(seller(), "P-4", "Other", gtin14="04099999000017"))).clearance == "unregistered"


# --- near misses ----------------------------------------------------------------------------------------


async def test_a_near_miss_passes_with_a_warning_for_review() -> None:
    g = Gating()
    await g.send(BrandRegistered(brand="Kestrel", owner_seller_id=seller()))
    event = cleared(await g.gate(listing(seller(), "N-1", "Kestral")))
    assert event.clearance == "unregistered"
    [warning] = [w for w in event.warnings if w.code == "BRAND_NEAR_MISS"]
    assert warning.severity == "WARNING" and "Kestrel" in warning.message


async def test_a_brand_registered_in_the_same_batch_or_by_another_instance_counts_for_near_misses() -> None:
    g = Gating()
    out = await g.send(
        BrandRegistered(brand="Ptarmigan", owner_seller_id=seller()), listing(seller(), "N-2", "Ptarmigen")
    )
    assert [w.code for w in cleared(out[0]).warnings] == ["BRAND_NEAR_MISS"]
    other = BrandGatingHandler()  # another instance: learns the brands from the store
    [late] = await other.handle(g.store, [other.parse(receive(g.record(listing(seller(), "N-3", "Ptarmigam"))))])
    assert [w.code for w in cleared(late).warnings] == ["BRAND_NEAR_MISS"]


# --- registry events that wait ----------------------------------------------------------------------------


async def test_a_grant_before_its_brand_waits_and_is_applied_when_the_brand_comes() -> None:
    g = Gating()
    owner, friend = seller(), seller()
    grant = BrandAuthorizationGranted(brand="Kestrel", seller_id=friend, by=owner)
    await g.send(grant)
    assert g.outcome(grant) == (False, "brand 'Kestrel' is not in the registry (yet)", f"brand:{brand_key('Kestrel')}")
    register = BrandRegistered(brand="Kestrel", owner_seller_id=owner)
    await g.send(register)
    assert g.outcome(grant) == (True, "", None)
    history = [r.event_type for r in g.store.history.values()]
    assert history == [topics.BRAND_REGISTERED, topics.BRAND_AUTHORIZATION_GRANTED]  # applied after the brand
    assert cleared(await g.gate(listing(friend, "W-1", "Kestrel"))).clearance == "authorized"


async def test_a_chain_of_waiting_events_is_released_by_the_event_at_its_head() -> None:
    g = Gating()
    owner, applicant = seller(), seller()
    decide = BrandApprovalDecided(request_id="REQ-1", brand="Kestrel", decision="approved", by=owner)
    request = BrandApprovalRequested(request_id="REQ-1", brand="Kestrel", seller_id=applicant, evidence=COMPLETE)
    revoke = BrandAuthorizationRevoked(brand="Kestrel", seller_id=applicant, by=owner)
    await g.send(decide)  # waits for the request
    await g.send(request)  # waits for the brand
    await g.send(revoke)  # waits for the brand
    assert [g.outcome(e)[2] for e in (decide, request, revoke)] == ["request:REQ-1", "brand:kestrel", "brand:kestrel"]

    await g.send(BrandRegistered(brand="Kestrel", owner_seller_id=owner))
    assert [g.outcome(e)[0] for e in (request, decide, revoke)] == [True, True, True]
    assert g.store.requests["REQ-1"].status == "approved"
    assert not g.store.authorizations[("kestrel", applicant)].active  # the revocation came after the approval
    # each applied as soon as what it waited for was there: the revocation waited for the approval's grant
    history = [r.event_type for r in g.store.history.values()]
    assert history[-3:] == [
        topics.BRAND_APPROVAL_REQUESTED,
        topics.BRAND_APPROVAL_DECIDED,
        topics.BRAND_AUTHORIZATION_REVOKED,
    ]


async def test_a_revocation_before_its_grant_waits_for_the_authorisation() -> None:
    g = Gating()
    owner, friend = seller(), seller()
    await g.send(BrandRegistered(brand="Kestrel", owner_seller_id=owner))
    revoke = BrandAuthorizationRevoked(brand="Kestrel", seller_id=friend, by=owner)
    grant = record(BrandAuthorizationGranted(brand="Kestrel", seller_id=friend, by=owner), g.clock.tick())
    await g.send(g.record(revoke))
    assert g.outcome(revoke)[2] == f"authorization:kestrel/{friend}"
    await g.send(grant)  # granted before the revocation was made: the revocation applies after it
    assert g.outcome(revoke)[0] is True
    assert rejected(await g.gate(listing(friend, "R-1", "Kestrel"))).code == "BRAND_NOT_AUTHORIZED"


async def test_an_exemption_revoked_before_it_is_granted_waits_for_it() -> None:
    g = Gating()
    grant_record = record(ExemptionGranted(exemption_id="EX-9", brand="Kestrel"), g.clock.tick())
    revoke = ExemptionRevoked(exemption_id="EX-9", brand="Kestrel")
    await g.send(g.record(revoke))
    assert g.outcome(revoke)[2] == "exemption:EX-9"
    await g.send(grant_record)
    assert g.outcome(revoke)[0] is True
    assert not g.store.exemptions["EX-9"].active


async def test_a_decision_on_an_incomplete_request_is_refused_with_what_is_missing() -> None:
    g = Gating()
    owner, applicant = seller(), seller()
    await g.send(BrandRegistered(brand="Kestrel", owner_seller_id=owner))
    partial = COMPLETE.model_copy(update={"images": []})
    await g.send(BrandApprovalRequested(request_id="REQ-2", brand="Kestrel", seller_id=applicant, evidence=partial))
    decide = BrandApprovalDecided(request_id="REQ-2", brand="Kestrel", decision="approved", by=owner)
    await g.send(decide)
    applied, reason, _ = g.outcome(decide)
    assert not applied and "image of the front" in reason
    assert rejected(await g.gate(listing(applicant, "A-1", "Kestrel"))).code == "BRAND_NOT_AUTHORIZED"


async def test_a_proposal_decided_twice_keeps_its_first_decision() -> None:
    g = Gating()
    event = listing(seller(), "D-1", "Kestrel")
    await g.gate(event)
    await g.send(BrandRegistered(brand="Kestrel", owner_seller_id=seller()))
    await g.gate(event)  # the same proposal again (a new event id): emitted again, the decision kept
    assert g.store.decisions[event.proposal_id].outcome == "unregistered"
