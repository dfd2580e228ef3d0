"""check(): the public API the service and `asinflow id check` use."""

from __future__ import annotations

import pytest
from asinflow_identifier_validation.domain.identifiers import (
    DECLARED_TYPES,
    KINDS,
    CheckedIdentifier,
    IdentifierError,
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    NonTradePrefix,
    WrongType,
    check,
    gtin8,
    to_gtin14,
    upce,
)
from stdnum.ean import calc_check_digit

pytestmark = pytest.mark.unit


def with_check(payload: str) -> str:
    return payload + calc_check_digit(payload)


@pytest.mark.parametrize(
    ("value", "kind", "gtin14"),
    [
        ("036000291452", "UPC-A", "00036000291452"),
        ("04252614", "UPC-E", "00042100005264"),
        ("73513537", "GTIN-8", "00000073513537"),
        ("49123456", "JAN", "00000049123456"),
        ("4006381333931", "EAN-13", "04006381333931"),
        ("4901234567894", "JAN", "04901234567894"),
        ("9780306406157", "ISBN-13", "09780306406157"),
        ("0-306-40615-2", "ISBN-10", "09780306406157"),
        ("9771473968012", "ISSN", "09771473968012"),
        ("9790230671187", "ISMN", "09790230671187"),
        ("10012345678902", "GTIN-14", "10012345678902"),
        ("00036000291452", "GTIN-14", "00036000291452"),
    ],
)
def test_auto_detect_names_every_kind(value: str, kind: str, gtin14: str) -> None:
    assert check(value) == CheckedIdentifier(input=value, kind=kind, gtin14=gtin14)
    assert kind in KINDS
    assert to_gtin14(value) == gtin14


def test_input_is_kept_as_given() -> None:
    assert check(" 0 36000 29145 2 ").input == " 0 36000 29145 2 "


def test_the_same_product_in_different_forms_has_one_gtin14() -> None:
    forms = ["0306406152", "978-0-306-40615-7", "09780306406157"]
    assert {check(form).gtin14 for form in forms} == {"09780306406157"}
    assert check("04252614").gtin14 == check("042100005264").gtin14 == check("0042100005264").gtin14


@pytest.mark.parametrize(
    ("value", "declared", "kind"),
    [
        ("036000291452", "UPC", "UPC-A"),
        ("04252614", "UPC", "UPC-E"),
        ("4006381333931", "EAN", "EAN-13"),
        ("73513537", "EAN", "GTIN-8"),
        ("4901234567894", "EAN", "JAN"),
        ("4901234567894", "JAN", "JAN"),
        ("4006381333931", "JAN", "EAN-13"),
        ("49123456", "JAN", "JAN"),
        ("0306406152", "ISBN", "ISBN-10"),
        ("9780306406157", "ISBN", "ISBN-13"),
        ("9790230671187", "ISBN", "ISMN"),
        ("9780306406157", "EAN", "ISBN-13"),
        ("73513537", "GTIN", "GTIN-8"),
        ("036000291452", "GTIN", "UPC-A"),
        ("4006381333931", "GTIN", "EAN-13"),
        ("10012345678902", "GTIN", "GTIN-14"),
        ("036000291452", "upc", "UPC-A"),  # the type is case-insensitive
    ],
)
def test_a_declared_type_accepts_its_forms(value: str, declared: str, kind: str) -> None:
    assert check(value, declared).kind == kind


@pytest.mark.parametrize(
    ("value", "declared"),
    [
        ("4006381333931", "UPC"),
        ("10012345678902", "UPC"),
        ("0306406152", "UPC"),
        ("036000291452", "EAN"),
        ("10012345678902", "EAN"),
        ("036000291452", "JAN"),
        ("036000291452", "ISBN"),
        ("73513537", "ISBN"),
        ("0306406152", "GTIN"),
        ("12345", None),
        ("123456789012345", None),
        ("03600029145", None),
    ],
)
def test_a_length_that_does_not_fit_the_declared_type_is_invalid_length_naming_it(
    value: str, declared: str | None
) -> None:
    with pytest.raises(InvalidLength) as raised:
        check(value, declared)
    assert raised.value.code == "IDENTIFIER_INVALID_FORMAT"
    assert (declared or "identifier") in str(raised.value)


def test_an_ean_declared_as_isbn_is_not_an_isbn() -> None:
    with pytest.raises(InvalidComponent, match="978 or 979") as raised:
        check("4006381333931", "ISBN")
    assert raised.value.code == "IDENTIFIER_INVALID_FORMAT"


def test_a_non_upce_8_digit_code_declared_upc_is_rejected() -> None:
    body = "7425261"
    code = body + calc_check_digit(upce.expand(body + "0")[:-1])  # right check digit, number system 7
    with pytest.raises(InvalidComponent, match="0 or 1"):  # declared UPC, 8 digits must be a UPC-E
        check(code, "UPC")


def test_an_unknown_declared_type_is_wrong_type() -> None:
    with pytest.raises(WrongType, match="ASIN"):
        check("036000291452", "ASIN")
    assert set(DECLARED_TYPES) == {"UPC", "EAN", "JAN", "ISBN", "GTIN"}


class TestEightDigits:
    """An 8-digit code: GTIN-8 if it is a valid one, else UPC-E if it is a valid one."""

    def test_a_valid_gtin8_is_a_gtin8(self) -> None:
        assert check("73513537").kind == "GTIN-8"

    def test_a_code_starting_with_0_is_never_a_trade_gtin8_so_it_is_read_as_upce(self) -> None:
        assert check("04252614") == CheckedIdentifier("04252614", "UPC-E", "00042100005264")

    def test_a_code_both_readings_accept_is_a_gtin8_unless_declared_upc(self) -> None:
        both = next(
            code
            for code in (f"1{body:06d}{digit}" for body in range(100000, 100200) for digit in range(10))
            if gtin8.is_valid(code) and upce.is_valid(code)
        )
        assert check(both).kind == "GTIN-8"
        assert check(both).gtin14 == both.zfill(14)
        assert check(both, "UPC").kind == "UPC-E"
        assert check(both, "UPC").gtin14 != check(both).gtin14

    def test_a_number_system_1_upce_that_is_no_gtin8(self) -> None:
        assert check("12345639").kind == "UPC-E"

    def test_neither_reading_is_a_checksum_error_naming_both(self) -> None:
        with pytest.raises(InvalidChecksum, match="neither a GTIN-8 nor a UPC-E"):
            check("04252615")

    def test_an_rcn8_whose_upce_reading_fails_reports_the_prefix(self) -> None:
        rcn8 = next(
            code for code in (with_check(f"0{n:06d}") for n in range(100000, 100100)) if not upce.is_valid(code)
        )
        with pytest.raises(NonTradePrefix, match="RCN-8"):
            check(rcn8)

    def test_a_digit_2_to_9_code_is_only_a_gtin8(self) -> None:
        with pytest.raises(NonTradePrefix):
            check(with_check("2123456"))
        with pytest.raises(InvalidChecksum, match="GTIN-8"):
            check("73513538")


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("", InvalidFormat),
        ("X", InvalidFormat),
        ("03600029145A", InvalidFormat),
        ("０３６０００２９１４５２", InvalidFormat),
        ("٠٣٦٠٠٠٢٩١٤٥٢", InvalidFormat),
        ("03600029145²", InvalidFormat),
        ("978030640615X", InvalidFormat),
        ("036000291453", InvalidChecksum),
        ("0306406153", InvalidChecksum),
        ("2012345678903", NonTradePrefix),
        ("90012345678908", NonTradePrefix),
    ],
)
def test_errors(value: str, error: type[IdentifierError]) -> None:
    with pytest.raises(error):
        check(value)


def test_an_isbn10_x_is_accepted_only_when_an_isbn_is_possible() -> None:
    assert check("080442957x").kind == "ISBN-10"
    with pytest.raises(InvalidFormat):
        check("080442957X", "GTIN")
    with pytest.raises(InvalidFormat):
        check("080442957X", "EAN")


@pytest.mark.parametrize(
    ("value", "declared", "code"),
    [
        ("21234569", None, "IDENTIFIER_NON_TRADE_PREFIX"),
        ("212345678909", "UPC", "IDENTIFIER_NON_TRADE_PREFIX"),
        ("412345678903", "UPC", "IDENTIFIER_NON_TRADE_PREFIX"),
        ("512345678900", "UPC", "IDENTIFIER_NON_TRADE_PREFIX"),
        (with_check("200123456789"), "EAN", "IDENTIFIER_NON_TRADE_PREFIX"),
        ("9801234567892", "EAN", "IDENTIFIER_NON_TRADE_PREFIX"),
        ("9811234567891", "GTIN", "IDENTIFIER_NON_TRADE_PREFIX"),
        ("9912345678909", "JAN", "IDENTIFIER_NON_TRADE_PREFIX"),
        ("9520123456788", None, "IDENTIFIER_NON_TRADE_PREFIX"),
        ("12001234567890", "GTIN", "IDENTIFIER_NON_TRADE_PREFIX"),
    ],
)
def test_non_trade_numbers_through_every_declared_type(value: str, declared: str | None, code: str) -> None:
    with pytest.raises(IdentifierError) as raised:
        check(value, declared)
    assert raised.value.code == code
