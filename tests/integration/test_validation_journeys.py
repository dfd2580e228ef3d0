"""A proposal published like an upstream system does reaches the ledger as validated or rejected."""

from __future__ import annotations

import pytest

from tests.support.listings import SETTLED, ledger_issues, proposal, publish_proposal, seller, wait_for_state

pytestmark = pytest.mark.integration


def ean13(body12: str) -> str:
    """Append the GS1 check digit to 12 digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


async def test_valid_proposal_is_validated_created_and_active_in_the_ledger(services, producer, pool) -> None:
    s = seller()
    await publish_proposal(producer, proposal(s, "HP-BLK-01"))
    assert await wait_for_state(pool, s, "HP-BLK-01", SETTLED) == "active"
    history = await pool.fetch(
        "SELECT event_type, from_state, to_state, legal FROM ledger.history h JOIN ledger.versions v "
        "USING (listing_id, version) WHERE v.seller_id = $1 ORDER BY seq",
        s,
    )
    assert [(h["from_state"], h["to_state"]) for h in history] == [
        (None, "proposed"),
        ("proposed", "validated"),
        ("validated", "validated"),  # duplicate matching: matched or unmatched, a step inside validated
        ("validated", "validated"),  # brand gating: listing.brand-cleared
        ("validated", "validated"),  # creation quota: listing.quota-granted
        ("validated", "created"),
        ("created", "active"),
    ]
    assert all(h["legal"] for h in history)


REJECTIONS = [
    ("SCHEMA_INVALID", {"title": None}, "title"),
    ("SCHEMA_INVALID", {"title": "x" * 501}, "title"),
    (
        "IDENTIFIER_INVALID_CHECKSUM",
        {"identifiers": [{"type": "UPC", "value": "036000291453"}]},
        "identifiers[0].value",
    ),
    (
        "IDENTIFIER_INVALID_FORMAT",
        {"identifiers": [{"type": "EAN", "value": "40063813339A1"}]},
        "identifiers[0].value",
    ),
    (
        "IDENTIFIER_INVALID_FORMAT",
        {"identifiers": [{"type": "UPC", "value": "03600029145"}]},
        "identifiers[0].value",
    ),
    (
        "IDENTIFIER_NON_TRADE_PREFIX",
        {"identifiers": [{"type": "EAN", "value": ean13("212345678901")}]},
        "identifiers[0].value",
    ),
    (
        "IDENTIFIER_NON_TRADE_PREFIX",
        {"identifiers": [{"type": "EAN", "value": ean13("981234567890")}]},
        "identifiers[0].value",
    ),
    (
        "IDENTIFIER_CONFLICT",
        {
            "identifiers": [
                {"type": "UPC", "value": "036000291452"},
                {"type": "EAN", "value": "4006381333931"},
            ]
        },
        "identifiers",
    ),
    ("IDENTIFIER_MISSING", {"identifiers": []}, "identifiers"),
    ("IDENTIFIER_MISSING", {"identifiers": [], "exemption_id": "EX-DOES-NOT-EXIST"}, "exemption_id"),
]


@pytest.mark.parametrize(
    ("code", "change", "attribute"), REJECTIONS, ids=[f"{r[0]}-{i}" for i, r in enumerate(REJECTIONS)]
)
async def test_each_rejection_code_reaches_the_ledger_with_a_remedy(
    services, producer, pool, code: str, change: dict[str, object], attribute: str
) -> None:
    s = seller()
    data = proposal(s, "SKU-1", **change)
    data = {k: v for k, v in data.items() if v is not None}
    await publish_proposal(producer, data)
    assert await wait_for_state(pool, s, "SKU-1", SETTLED) == "rejected"
    issues = await ledger_issues(pool, s, "SKU-1")
    first = issues[0]
    assert first["code"] == code
    assert first["severity"] == "ERROR"
    assert first["amazon_code"] == 8560
    assert first["attribute"] == attribute
    assert first["remedy"]


async def test_exempted_product_without_gtin_is_validated(services, producer, pool) -> None:
    s = seller()
    data = proposal(s, "RUG-01", brand="HEARTH & LOOM", identifiers=[], exemption_id="EX-HEARTH-LOOM")
    await publish_proposal(producer, data)
    assert await wait_for_state(pool, s, "RUG-01", SETTLED) == "active"


async def test_new_proposal_for_same_sku_starts_a_new_version(services, producer, pool) -> None:
    s = seller()
    await publish_proposal(producer, proposal(s, "V-1", identifiers=[{"type": "UPC", "value": "036000291453"}]))
    assert await wait_for_state(pool, s, "V-1", {"rejected"}) == "rejected"
    await publish_proposal(producer, proposal(s, "V-1"))
    await wait_for_state(pool, s, "V-1", {"active"})
    rows = await pool.fetch(
        "SELECT version, state FROM ledger.versions WHERE seller_id = $1 AND sku = 'V-1' ORDER BY version", s
    )
    assert [(r["version"], r["state"]) for r in rows] == [(1, "rejected"), (2, "active")]
