"""The identifier-validation decision for realistic proposals (DESIGN §4 "Identifiers", §6)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest
from asinflow_contracts.issues import IssueCode, Severity
from asinflow_contracts.proposal_reading import ProposalRead, read_proposal
from asinflow_identifier_validation.domain.exemptions import Exemption, brand_key
from asinflow_identifier_validation.domain.validation import Decision, decide
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.unit

UPC = "036000291452"  # a real UPC-A (GS1 US example)
UPC_GTIN14 = "00036000291452"
EAN_OTHER = "4006381333931"  # a real EAN-13 of another product
ISBN10 = "0306406152"
ISBN13 = "978-0-306-40615-7"  # the same book


def gtin_check_digit(body: str) -> str:
    """GS1 mod-10 check digit of ``body`` (all digits but the check digit), written independently."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def proposal_json(**fields: Any) -> bytes:
    """The listing.proposed line of DESIGN §6 as JSON bytes; ``fields`` override its fields."""
    data: dict[str, Any] = {
        "seller_id": "S-1001",
        "sku": "HP-BLK-01",
        "title": "Acme Wireless Headphones WH-100, Black",
        "brand": "Acme",
        "manufacturer": "Acme Audio Ltd",
        "product_type": "HEADPHONES",
        "description": "Over-ear, 30 h battery",
        "model_number": "WH-100",
        "part_number": "WH100-BK",
        "identifiers": [{"type": "UPC", "value": UPC}],
        "exemption_id": None,
        "variation": {"parent_sku": "HP-01", "theme": "Color", "attributes": {"Color": "Black"}},
        "package_quantity": 1,
        "manufacturer_multipack": False,
        "images": ["https://img.example/hp-blk-01-front.jpg"],
        "batch_id": "feed-2026-11-22-01",
        "quantity": 12,
        "price": {"amount": "59.90", "currency": "EUR"},
        "priority": 0,
    }
    data.update(fields)
    return json.dumps(data).encode()


def without(key: str, **fields: Any) -> bytes:
    data = json.loads(proposal_json(**fields))
    del data[key]
    return json.dumps(data).encode()


def run(raw: bytes, exemptions: Mapping[str, Exemption] | None = None) -> Decision:
    read = read_proposal(raw)
    assert read.unreadable is None, read.unreadable
    return decide(read, exemptions or {})


def only_issue(decision: Decision) -> Any:
    assert decision.rejected
    assert len(decision.issues) == 1, decision.issues
    return decision.issues[0]


def assert_validated(decision: Decision) -> None:
    assert not decision.rejected
    assert [i for i in decision.issues if i.severity == Severity.ERROR] == []


# --- identifiers ------------------------------------------------------------------------------------


def test_the_design_example_is_validated_with_its_gtin14() -> None:
    decision = run(proposal_json())
    assert_validated(decision)
    assert decision.gtin14 == UPC_GTIN14
    assert decision.exemption_id is None
    [ident] = decision.identifiers
    assert (ident.type, ident.value, ident.kind, ident.gtin14) == ("UPC", UPC, "UPC-A", UPC_GTIN14)


def test_wrong_check_digit_is_invalid_checksum_8560_on_the_identifier() -> None:
    decision = run(proposal_json(identifiers=[{"type": "UPC", "value": "036000291453"}]))
    problem = only_issue(decision)
    assert problem.code is IssueCode.IDENTIFIER_INVALID_CHECKSUM
    assert problem.amazon_code == 8560
    assert problem.severity == Severity.ERROR
    assert problem.attribute == "identifiers[0].value"
    assert problem.remedy.strip()
    assert "036000291453" in problem.message
    assert decision.gtin14 is None


def test_the_attribute_names_the_offending_identifier_by_index() -> None:
    decision = run(
        proposal_json(identifiers=[{"type": "UPC", "value": UPC}, {"type": "EAN", "value": "4006381333932"}])
    )
    problem = only_issue(decision)
    assert problem.code is IssueCode.IDENTIFIER_INVALID_CHECKSUM
    assert problem.attribute == "identifiers[1].value"


def test_letters_are_invalid_format() -> None:
    problem = only_issue(run(proposal_json(identifiers=[{"type": "UPC", "value": "03600029145A"}])))
    assert problem.code is IssueCode.IDENTIFIER_INVALID_FORMAT
    assert problem.amazon_code == 8560
    assert problem.attribute == "identifiers[0].value"
    assert problem.remedy.strip()


def test_wrong_length_is_invalid_format() -> None:
    problem = only_issue(run(proposal_json(identifiers=[{"type": "UPC", "value": "03600029145"}])))
    assert problem.code is IssueCode.IDENTIFIER_INVALID_FORMAT


def test_restricted_circulation_ean_is_non_trade_prefix() -> None:
    body = "200123456789"
    code = body + gtin_check_digit(body)
    problem = only_issue(run(proposal_json(identifiers=[{"type": "EAN", "value": code}])))
    assert problem.code is IssueCode.IDENTIFIER_NON_TRADE_PREFIX
    assert problem.amazon_code == 8560
    assert problem.attribute == "identifiers[0].value"
    assert problem.remedy.strip()


@pytest.mark.parametrize("prefix", ["020", "045", "055", "250", "299", "980", "982", "995"])
def test_every_non_trade_range_of_the_design_is_rejected(prefix: str) -> None:
    body = prefix + "123456789"
    code = body + gtin_check_digit(body)
    problem = only_issue(run(proposal_json(identifiers=[{"type": "EAN", "value": code}])))
    assert problem.code is IssueCode.IDENTIFIER_NON_TRADE_PREFIX


@pytest.mark.parametrize("prefix", ["977", "978", "979"])
def test_issn_and_bookland_prefixes_are_products(prefix: str) -> None:
    body = prefix + "030640615"
    code = body + gtin_check_digit(body)
    assert_validated(run(proposal_json(identifiers=[{"type": "EAN", "value": code}])))


def test_two_identifiers_of_different_products_conflict() -> None:
    decision = run(proposal_json(identifiers=[{"type": "UPC", "value": UPC}, {"type": "EAN", "value": EAN_OTHER}]))
    problem = only_issue(decision)
    assert problem.code is IssueCode.IDENTIFIER_CONFLICT
    assert problem.amazon_code == 8560
    assert problem.attribute == "identifiers"
    assert UPC in problem.message and EAN_OTHER in problem.message
    assert decision.gtin14 is None


def test_isbn10_and_its_isbn13_are_not_a_conflict() -> None:
    decision = run(proposal_json(identifiers=[{"type": "ISBN", "value": ISBN10}, {"type": "ISBN", "value": ISBN13}]))
    assert_validated(decision)
    assert decision.gtin14 == "09780306406157"
    assert [i.kind for i in decision.identifiers] == ["ISBN-10", "ISBN-13"]


def test_upc_and_the_same_products_ean13_are_not_a_conflict() -> None:
    decision = run(proposal_json(identifiers=[{"type": "UPC", "value": UPC}, {"type": "EAN", "value": "0" + UPC}]))
    assert_validated(decision)
    assert decision.gtin14 == UPC_GTIN14


def test_an_invalid_identifier_and_a_conflict_are_both_reported() -> None:
    decision = run(
        proposal_json(
            identifiers=[
                {"type": "UPC", "value": UPC},
                {"type": "EAN", "value": EAN_OTHER},
                {"type": "UPC", "value": "03600029145A"},
            ]
        )
    )
    assert decision.rejected
    assert {(i.code, i.attribute) for i in decision.issues} == {
        (IssueCode.IDENTIFIER_INVALID_FORMAT, "identifiers[2].value"),
        (IssueCode.IDENTIFIER_CONFLICT, "identifiers"),
    }


upc_bodies = st.tuples(st.sampled_from("136789"), st.text("0123456789", min_size=10, max_size=10)).map(
    lambda t: t[0] + t[1]
)


@given(body=upc_bodies)
def test_any_trade_upc_validates_alone_and_with_its_ean13_form(body: str) -> None:
    upc = body + gtin_check_digit(body)
    alone = run(proposal_json(identifiers=[{"type": "UPC", "value": upc}]))
    assert_validated(alone)
    assert alone.gtin14 == "00" + upc
    both = run(proposal_json(identifiers=[{"type": "UPC", "value": upc}, {"type": "EAN", "value": "0" + upc}]))
    assert_validated(both)
    assert both.gtin14 == "00" + upc


@given(body=upc_bodies, wrong=st.integers(1, 9))
def test_any_single_wrong_check_digit_is_a_checksum_error(body: str, wrong: int) -> None:
    good = int(gtin_check_digit(body))
    upc = body + str((good + wrong) % 10)
    problem = only_issue(run(proposal_json(identifiers=[{"type": "UPC", "value": upc}])))
    assert problem.code is IssueCode.IDENTIFIER_INVALID_CHECKSUM


# --- exemptions -------------------------------------------------------------------------------------

HEARTH = Exemption("EX-HL-1", "Hearth & Loom")


def exempt_proposal(
    exemption_id: str | None, brand: str = "Hearth & Loom", sku: str = "HL-THROW-01", seller: str = "S-1001"
) -> bytes:
    return proposal_json(
        identifiers=[],
        exemption_id=exemption_id,
        brand=brand,
        sku=sku,
        seller_id=seller,
        title="Hand-woven wool throw",
        product_type="BLANKET",
    )


def test_no_identifier_and_no_exemption_is_identifier_missing() -> None:
    problem = only_issue(run(exempt_proposal(None)))
    assert problem.code is IssueCode.IDENTIFIER_MISSING
    assert problem.amazon_code == 8560
    assert problem.attribute == "identifiers"
    assert problem.remedy.strip()


def test_no_identifiers_field_at_all_is_identifier_missing() -> None:
    problem = only_issue(run(without("identifiers")))
    assert problem.code is IssueCode.IDENTIFIER_MISSING


def test_unknown_exemption_id_is_identifier_missing_on_exemption_id() -> None:
    problem = only_issue(run(exempt_proposal("EX-NOPE"), {"EX-HL-1": HEARTH}))
    assert problem.code is IssueCode.IDENTIFIER_MISSING
    assert problem.attribute == "exemption_id"
    assert "EX-NOPE" in problem.message


def test_exemption_for_another_brand_is_identifier_missing() -> None:
    problem = only_issue(run(exempt_proposal("EX-HL-1", brand="Acme"), {"EX-HL-1": HEARTH}))
    assert problem.code is IssueCode.IDENTIFIER_MISSING
    assert problem.attribute == "exemption_id"


@pytest.mark.parametrize(
    "spelling", ["Hearth & Loom", "HEARTH & LOOM", "hearth &loom", "Hearth-&-Loom", "Héarth & Loom"]
)
def test_exemption_matches_the_brand_whatever_its_case_and_punctuation(spelling: str) -> None:
    decision = run(exempt_proposal("EX-HL-1", brand=spelling), {"EX-HL-1": HEARTH})
    assert_validated(decision)
    assert decision.exemption_id == "EX-HL-1"
    assert decision.gtin14 is None
    assert decision.identifiers == []


def test_brand_key_of_the_design_examples() -> None:
    assert brand_key("Hearth & Loom") == brand_key("HEARTH & LOOM") == "hearthloom"
    assert brand_key("ＡＣＭＥ") == brand_key("acme")  # full-width letters (NFKC)
    assert brand_key("Acme") != brand_key("Acne")


# The registry's key (asinflow_brands) also drops legal suffixes and reads 0/1 between letters as o/l, so
# spaces and digits are no longer neutral noise: the property holds for one word of letters, with the
# punctuation that never splits a word (dots, apostrophes) and any case. tests/unit/brands covers the rest.
@given(st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=1, max_size=20), st.data())
def test_brand_key_ignores_case_and_punctuation_of_ascii_brands(name: str, data: st.DataObject) -> None:
    noisy = "".join(
        (ch.upper() if data.draw(st.booleans()) else ch) + data.draw(st.sampled_from(["", ".", "'"])) for ch in name
    )
    assert brand_key(noisy) == brand_key(name) == name


@pytest.mark.parametrize(("granted", "proposed"), [("李宁", "安踏"), ("ソニー", "Лебедь")])
def test_exemption_for_a_non_latin_brand_does_not_cover_another(granted: str, proposed: str) -> None:
    exemption = Exemption("EX-CJK-1", granted)
    assert_validated(run(exempt_proposal("EX-CJK-1", brand=granted), {"EX-CJK-1": exemption}))
    problem = only_issue(run(exempt_proposal("EX-CJK-1", brand=proposed), {"EX-CJK-1": exemption}))
    assert problem.code is IssueCode.IDENTIFIER_MISSING


def test_sku_level_exemption_covers_its_sku_only() -> None:
    exemption = Exemption("EX-HL-SKU", "Hearth & Loom", sku="HL-THROW-01")
    ok = run(exempt_proposal("EX-HL-SKU", sku="HL-THROW-01"), {"EX-HL-SKU": exemption})
    assert_validated(ok)
    assert ok.exemption_id == "EX-HL-SKU"
    problem = only_issue(run(exempt_proposal("EX-HL-SKU", sku="HL-RUG-02"), {"EX-HL-SKU": exemption}))
    assert problem.code is IssueCode.IDENTIFIER_MISSING
    assert problem.attribute == "exemption_id"
    assert "HL-RUG-02" in problem.message


def test_seller_and_sku_exemption_covers_that_sellers_sku_only() -> None:
    exemption = Exemption("EX-HL-S", "Hearth & Loom", sku="HL-THROW-01", seller_id="S-1001")
    assert_validated(run(exempt_proposal("EX-HL-S"), {"EX-HL-S": exemption}))
    problem = only_issue(run(exempt_proposal("EX-HL-S", seller="S-2002"), {"EX-HL-S": exemption}))
    assert problem.code is IssueCode.IDENTIFIER_MISSING


# --- schema -----------------------------------------------------------------------------------------


def schema_issues(raw: bytes) -> list[tuple[IssueCode, str | None]]:
    read = read_proposal(raw)
    assert read.unreadable is None
    assert read.proposal is None
    assert (read.seller_id, read.sku) == ("S-1001", "HP-BLK-01")  # names its listing: a rejection
    decision = decide(read, {})
    assert decision.rejected
    for i in decision.issues:
        assert i.amazon_code == 8560
        assert i.severity == Severity.ERROR
        assert i.remedy.strip()
    return [(i.code, i.attribute) for i in decision.issues]


def test_missing_title_is_schema_invalid_on_title() -> None:
    assert schema_issues(without("title")) == [(IssueCode.SCHEMA_INVALID, "title")]


def test_null_or_blank_title_is_schema_invalid() -> None:
    assert schema_issues(proposal_json(title=None)) == [(IssueCode.SCHEMA_INVALID, "title")]
    assert schema_issues(proposal_json(title="   ")) == [(IssueCode.SCHEMA_INVALID, "title")]


def test_title_of_500_characters_is_fine_and_501_is_schema_invalid() -> None:
    assert_validated(run(proposal_json(title="t" * 500)))
    assert schema_issues(proposal_json(title="t" * 501)) == [(IssueCode.SCHEMA_INVALID, "title")]


def test_20_images_are_fine_and_21_are_schema_invalid() -> None:
    images = [f"https://img.example/{n}.jpg" for n in range(21)]
    assert_validated(run(proposal_json(images=images[:20])))
    assert schema_issues(proposal_json(images=images)) == [(IssueCode.SCHEMA_INVALID, "images")]


def test_11_identifiers_are_schema_invalid() -> None:
    ids = [{"type": "UPC", "value": UPC}] * 11
    assert schema_issues(proposal_json(identifiers=ids)) == [(IssueCode.SCHEMA_INVALID, "identifiers")]


def test_quantity_in_words_is_schema_invalid() -> None:
    assert schema_issues(proposal_json(quantity="twelve")) == [(IssueCode.SCHEMA_INVALID, "quantity")]


def test_unknown_identifier_type_is_schema_invalid_on_its_type() -> None:
    issues = schema_issues(proposal_json(identifiers=[{"type": "ASIN", "value": "B000000000"}]))
    assert issues == [(IssueCode.SCHEMA_INVALID, "identifiers[0].type")]


def test_every_schema_error_is_reported() -> None:
    issues = schema_issues(without("brand", title="t" * 501, quantity="twelve"))
    assert sorted(str(a) for _, a in issues) == ["brand", "quantity", "title"]
    assert {c for c, _ in issues} == {IssueCode.SCHEMA_INVALID}


def test_unknown_extra_fields_are_kept_and_do_not_reject() -> None:
    raw = proposal_json(color_map="midnight", bullet_points=["30 h battery", "USB-C"])
    read = read_proposal(raw)
    assert read.proposal is not None
    assert read.proposal.model_extra == {"color_map": "midnight", "bullet_points": ["30 h battery", "USB-C"]}
    assert_validated(decide(read, {}))


def test_only_required_fields_and_an_identifier_suffice() -> None:
    raw = json.dumps(
        {
            "seller_id": "S-1",
            "sku": "X",
            "title": "T",
            "brand": "B",
            "product_type": "P",
            "identifiers": [{"type": "GTIN", "value": UPC}],
        }
    ).encode()
    decision = run(raw)
    assert_validated(decision)
    assert decision.gtin14 == UPC_GTIN14


# --- read_proposal: dead letters --------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"this is not json",
        b"",
        b"\xff\xfe\xfa",  # not UTF-8
        b'{"seller_id": "S-1001", "sku": ',  # truncated
        b'[{"seller_id": "S-1001", "sku": "HP-BLK-01"}]',  # a JSON array
        b'"S-1001"',
        b"null",
        b"42",
        without("seller_id"),
        without("sku"),
        proposal_json(sku="   "),
        proposal_json(sku=""),
        proposal_json(seller_id=None),
        proposal_json(seller_id=1001),  # not a string: cannot name the listing
        "not json either",  # str input
    ],
    ids=lambda r: repr(r)[:40],
)
def test_unreadable_messages_are_dead_letters_not_exceptions(raw: bytes | str) -> None:
    read = read_proposal(raw)
    assert isinstance(read, ProposalRead)
    assert read.unreadable
    assert read.proposal is None
    assert read.errors == []


def test_unreadable_reason_names_what_is_missing() -> None:
    assert "seller_id" in (read_proposal(without("seller_id")).unreadable or "")
    assert "sku" in (read_proposal(proposal_json(sku=" ")).unreadable or "")
    assert "list" in (read_proposal(b"[]").unreadable or "")


def test_listing_identity_is_read_stripped() -> None:
    read = read_proposal(proposal_json(seller_id="  S-1001 ", sku=" HP-BLK-01\t"))
    assert read.proposal is not None
    assert (read.seller_id, read.sku) == ("S-1001", "HP-BLK-01")
    assert (read.proposal.seller_id, read.proposal.sku) == ("S-1001", "HP-BLK-01")


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000,
        b'{"seller_id": "S-1001", "sku": "HP-BLK-01", "quantity": ' + b"1" * 5000 + b"}",
    ],
    ids=["deeply-nested", "huge-integer"],
)
def test_hostile_json_is_a_dead_letter_not_an_exception(raw: bytes) -> None:
    read = read_proposal(raw)
    assert read.unreadable or read.errors


@given(st.binary(max_size=200))
def test_read_proposal_never_raises_on_arbitrary_bytes(raw: bytes) -> None:
    read = read_proposal(raw)
    assert read.unreadable or read.proposal is not None or read.errors


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
        max_leaves=20,
    )
)
def test_read_proposal_never_raises_on_arbitrary_json(value: object) -> None:
    read = read_proposal(json.dumps(value).encode())
    assert read.unreadable or read.proposal is not None or read.errors


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)
schema_fields = st.sampled_from(
    [
        "title",
        "brand",
        "product_type",
        "manufacturer",
        "description",
        "identifiers",
        "exemption_id",
        "variation",
        "package_quantity",
        "manufacturer_multipack",
        "images",
        "batch_id",
        "quantity",
        "price",
        "priority",
        "extra",
    ]
)


@given(st.dictionaries(schema_fields, json_values, max_size=8))
def test_a_proposal_that_names_its_listing_is_validated_or_rejected_never_raises(fields: dict[str, Any]) -> None:
    data = {"seller_id": "S-1001", "sku": "HP-BLK-01", **fields}
    read = read_proposal(json.dumps(data).encode())
    assert read.unreadable is None
    assert (read.seller_id, read.sku) == ("S-1001", "HP-BLK-01")
    assert (read.proposal is None) == bool(read.errors)
    decision = decide(read, {})
    if read.proposal is None:
        assert decision.rejected
        assert {i.code for i in decision.issues} == {IssueCode.SCHEMA_INVALID}
