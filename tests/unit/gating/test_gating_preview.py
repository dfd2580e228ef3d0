"""Brand gating's preview and restrictions on the in-memory store: the handler's facts and the pure gate, so the
preview answers what the handler then emits (5461, 8572, owner, authorised, offer), and nothing is recorded."""

from __future__ import annotations

import copy

import pytest
from asinflow_brand_gating.domain.evidence import REQUIRED_EVIDENCE
from asinflow_brand_gating.preview import GatingPreview, preview, restrictions
from asinflow_contracts.events import (
    BrandAuthorizationGranted,
    BrandPrefixRegistered,
    BrandRegistered,
    ListingBrandCleared,
    ListingMatched,
    ListingRejected,
    ListingUnmatched,
)

from tests.unit.gating.registry_events import listing
from tests.unit.gating.test_gating_handler import Gating, seller

pytestmark = pytest.mark.unit

KESTREL_GTIN = "04006381333931"  # company prefix 4006381


async def preview_then_gate(
    g: Gating, event: ListingMatched | ListingUnmatched
) -> tuple[GatingPreview, ListingBrandCleared | ListingRejected]:
    before = copy.deepcopy(vars(g.store))
    found = await preview(g.store, g.handler, event)
    assert vars(g.store) == before, "a preview records no decision and no history"
    out = await g.gate(event)
    assert isinstance(out.payload, ListingBrandCleared | ListingRejected)
    return found, out.payload


async def registered(g: Gating) -> tuple[str, str]:
    owner, friend = seller(), seller()
    await g.send(
        BrandRegistered(brand="Kestrel", owner_seller_id=owner),
        BrandAuthorizationGranted(brand="Kestrel", seller_id=friend, by=owner),
        BrandPrefixRegistered(brand="Kestrel", prefix="4006381", by=owner),
    )
    return owner, friend


async def test_previews_say_what_the_gate_then_decides_for_owner_friend_stranger_and_offers() -> None:
    g = Gating()
    owner, friend = await registered(g)
    stranger = seller()
    cases = [
        (listing(owner, "K-1", "Kestrel"), "cleared", "owner"),
        (listing(friend, "K-2", "Kestrel"), "cleared", "authorized"),
        (listing(stranger, "K-3", "Kestrel"), "rejected", None),
        (listing(stranger, "K-4", "Kestrel", asin="B0KESTREL1"), "cleared", "offer"),
    ]
    for event, outcome, clearance in cases:
        found, emitted = await preview_then_gate(g, event)
        assert (found.outcome, found.clearance) == (outcome, clearance), event.sku
        if isinstance(emitted, ListingRejected):
            assert (found.code, found.issues, found.rejection) == (emitted.code, emitted.issues, emitted)
            assert found.code == "BRAND_NOT_AUTHORIZED" and found.evidence_required == list(REQUIRED_EVIDENCE)
        else:
            assert found.passes_on == emitted


async def test_a_gtin_of_another_brands_prefix_is_previewed_8572_as_the_gate_rejects_it() -> None:
    g = Gating()
    await registered(g)
    found, emitted = await preview_then_gate(g, listing(seller(), "K-5", "Otherbrand", gtin14=KESTREL_GTIN))
    assert isinstance(emitted, ListingRejected)
    assert (found.outcome, found.code, found.issues) == ("rejected", "GTIN_BRAND_MISMATCH", emitted.issues)


async def test_restrictions_name_owner_authorised_stranger_and_unregistered_brands() -> None:
    g = Gating()
    owner, friend = await registered(g)
    before = copy.deepcopy(vars(g.store))
    answers = {
        who: (await restrictions(g.store, g.handler, seller_id, brand, None))[0]
        for who, seller_id, brand in [
            ("owner", owner, "Kestrel"),
            ("friend", friend, "KESTREL"),
            ("stranger", seller(), "Kestrel"),
            ("open", seller(), "Nobrand At All"),
        ]
    }
    assert vars(g.store) == before
    assert {who: (a.may_create, [r.code for r in a.reasons]) for who, a in answers.items()} == {
        "owner": (True, ["BRAND_OWNER"]),
        "friend": (True, ["AUTHORIZED"]),
        "stranger": (False, ["APPROVAL_REQUIRED"]),
        "open": (True, ["BRAND_NOT_IN_REGISTRY"]),
    }
    [reason] = answers["stranger"].reasons
    assert reason.amazon_code == 5461 and reason.evidence == list(REQUIRED_EVIDENCE) and reason.how_to_request
    assert answers["owner"].owner_seller_id == owner and answers["friend"].authorization is not None
