"""Catalog (ASIN registry) domain: minting candidate ASINs and placing a validated listing (pure)."""

from __future__ import annotations

import random
import re
import uuid

import pytest
from asinflow_catalog.domain.asin import candidate, is_asin
from asinflow_catalog.domain.placement import Placement, place
from asinflow_contracts.events import ListingProposed, ListingValidated
from asinflow_contracts.ids import listing_id
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.unit

ASIN_SHAPE = re.compile(r"^B0[0-9A-Z]{8}\Z")
SEED = uuid.UUID("6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f")


# --- candidate ASINs -----------------------------------------------------------------------------------


def test_candidate_is_deterministic_for_a_seed_and_attempt() -> None:
    assert candidate(SEED, 3) == candidate(uuid.UUID(str(SEED)), 3)
    assert candidate(SEED) == candidate(SEED, 0)


def test_candidate_differs_across_attempts_and_seeds() -> None:
    attempts = [candidate(SEED, attempt) for attempt in range(50)]
    assert len(set(attempts)) == 50
    assert candidate(SEED, 0) != candidate(uuid.UUID(int=SEED.int ^ 1), 0)


@given(seed=st.uuids(), attempt=st.integers(0, 1000))
def test_candidate_is_always_an_asin(seed: uuid.UUID, attempt: int) -> None:
    asin = candidate(seed, attempt)

    assert ASIN_SHAPE.match(asin), asin
    assert is_asin(asin)
    assert candidate(seed, attempt) == asin


def test_ten_thousand_seeds_give_ten_thousand_distinct_asins() -> None:
    rng = random.Random(20261123)
    seeds = {uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(10_000)}
    assert len(seeds) == 10_000

    asins = {candidate(seed) for seed in seeds}

    assert len(asins) == 10_000


@pytest.mark.parametrize("value", ["B0ABCDEF12", "B000000000", "B0ZZZZZZZZ", "B012345678"])
def test_is_asin_accepts_asins(value: str) -> None:
    assert is_asin(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "b0abcdef12",  # lower case
        "B0abcdef12",
        "B0ABCDEF1",  # 9 characters
        "B0ABCDEF123",  # 11 characters
        "A0ABCDEF12",  # no B0 prefix
        "BXABCDEF12",
        "0123456789",  # an ISBN-10 is not an ASIN here
        " B0ABCDEF12",
        "B0ABCDEF12 ",
        "B0ABC-EF12",
        "B0ABCDEF1²",  # a non-ASCII digit
    ],
)
def test_is_asin_rejects_other_strings(value: str) -> None:
    assert not is_asin(value)


def test_is_asin_rejects_a_trailing_newline() -> None:
    assert not is_asin("B0ABCDEF12\n")


# --- placement -----------------------------------------------------------------------------------------


def _validated(gtin14: str | None, exemption_id: str | None = None) -> ListingValidated:
    proposal = ListingProposed(
        seller_id="S-1001",
        sku="HP-BLK-01",
        title="Acme Wireless Headphones WH-100, Black",
        brand="Acme",
        product_type="HEADPHONES",
        exemption_id=exemption_id,
    )
    return ListingValidated(
        listing_id=listing_id("S-1001", "HP-BLK-01"),
        seller_id="S-1001",
        sku="HP-BLK-01",
        proposal_id=uuid.uuid4(),
        gtin14=gtin14,
        exemption_id=exemption_id,
        proposal=proposal,
    )


CATALOG = {"00036000291452": "B0KNOWN001", "04006381333931": "B0KNOWN002"}


def test_a_known_gtin_attaches_the_offer_to_its_asin() -> None:
    placement = place(_validated("00036000291452"), CATALOG)

    assert isinstance(placement, Placement)
    assert placement.asin == "B0KNOWN001"
    assert "00036000291452" in placement.why


def test_an_unknown_gtin_mints_a_new_item() -> None:
    placement = place(_validated("09780201379624"), CATALOG)

    assert placement.asin is None
    assert "09780201379624" in placement.why


def test_an_exempted_product_without_gtin_mints_a_new_item() -> None:
    placement = place(_validated(None, exemption_id="EX-ACME-7"), CATALOG)

    assert placement.asin is None
    assert "EX-ACME-7" in placement.why
    assert "exemption" in placement.why


def test_placement_with_an_empty_catalog_always_mints() -> None:
    assert place(_validated("00036000291452"), {}).asin is None
