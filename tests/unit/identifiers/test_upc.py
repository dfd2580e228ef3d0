"""UPC-A (GTIN-12)."""

from __future__ import annotations

import pytest
from asinflow_identifier_validation.domain.identifiers import (
    InvalidChecksum,
    InvalidFormat,
    InvalidLength,
    NonTradePrefix,
    upc,
)
from stdnum.ean import calc_check_digit

pytestmark = pytest.mark.unit


def with_check(payload: str) -> str:
    return payload + calc_check_digit(payload)


@pytest.mark.parametrize(
    "code",
    [
        "036000291452",  # the UPC-A on Wikipedia's UPC article
        "737628064502",  # Thai Kitchen stir-fry rice noodles
        "049000028911",  # Coca-Cola: number system 0, GS1 prefix 004
        "885909950805",  # Apple
        "190199098510",  # Apple, GS1 US 019
        "012345678905",
        "300450444004",  # number system 3: drugs (NDC-based)
    ],
)
def test_real_upcs_are_valid(code: str) -> None:
    assert upc.validate(code) == code
    assert upc.is_valid(code)
    assert upc.to_gtin14(code) == "00" + code


@pytest.mark.parametrize(
    "written",
    [
        "0 36000 29145 2",
        "0-36000-29145-2",
        " 036000291452\n",
        "0\u00a036000\u00a029145\u00a02",
        "036000‐291452",
    ],
)
def test_spaces_hyphens_and_typographic_separators_are_tolerated(written: str) -> None:
    assert upc.validate(written) == "036000291452"


def test_format_groups_like_the_printed_code() -> None:
    assert upc.format("036000291452") == "0 36000 29145 2"


@pytest.mark.parametrize("wrong", ["036000291453", "036000291450", "737628064501", "036000921452"])
def test_a_wrong_check_digit_is_invalid_checksum(wrong: str) -> None:
    with pytest.raises(InvalidChecksum) as raised:
        upc.validate(wrong)
    assert raised.value.code == "IDENTIFIER_INVALID_CHECKSUM"


@pytest.mark.parametrize("code", ["03600029145", "0360002914521", "0", "36000291452"])
def test_a_wrong_length_is_invalid_length(code: str) -> None:
    with pytest.raises(InvalidLength) as raised:
        upc.validate(code)
    assert raised.value.code == "IDENTIFIER_INVALID_FORMAT"
    assert "12 digits" in str(raised.value)


@pytest.mark.parametrize(
    "code",
    [
        "03600029145A",
        "O36000291452",  # letter O for zero
        "036000291452²",
        "０３６０００２９１４５２",  # full-width digits
        "٠٣٦٠٠٠٢٩١٤٥٢",  # Arabic-Indic digits
        "۰۳۶۰۰۰۲۹۱۴۵۲",  # extended Arabic-Indic digits
        "०३६०००२९१४५२",  # Devanagari digits
        "036000.291452",
        "036000_291452",
        "036000\u200b291452",  # zero-width space
        "",
        "   ",
    ],
)
def test_letters_non_ascii_digits_and_other_characters_are_invalid_format(code: str) -> None:
    with pytest.raises(InvalidFormat) as raised:
        upc.validate(code)
    assert raised.value.code == "IDENTIFIER_INVALID_FORMAT"


def test_the_message_names_the_offending_character() -> None:
    with pytest.raises(InvalidFormat, match="ARABIC-INDIC DIGIT"):
        upc.validate("٠٣٦٠٠٠٢٩١٤٥٢")
    with pytest.raises(InvalidFormat, match="letter 'A'"):
        upc.validate("03600029145A")


def test_format_is_checked_before_length_and_length_before_checksum() -> None:
    with pytest.raises(InvalidFormat) as raised:
        upc.validate("12A")
    assert not isinstance(raised.value, InvalidLength)
    with pytest.raises(InvalidLength):
        upc.validate("0360002914")


@pytest.mark.parametrize(
    ("number_system", "non_trade"),
    [
        ("0", False),
        ("1", False),
        ("2", True),
        ("3", False),
        ("4", True),
        ("5", True),
        ("6", False),
        ("7", False),
        ("8", False),
        ("9", False),
    ],
)
def test_number_systems_2_4_and_5_are_not_products(number_system: str, non_trade: bool) -> None:
    code = with_check(number_system + "1234567890")
    assert upc.is_valid(code) is not non_trade
    if non_trade:
        with pytest.raises(NonTradePrefix) as raised:
            upc.validate(code)
        assert raised.value.code == "IDENTIFIER_NON_TRADE_PREFIX"


@pytest.mark.parametrize("prefix", ["02", "03", "04", "05"])
def test_every_restricted_and_coupon_second_digit(prefix: str) -> None:
    # 13-digit views 020-029, 040-049 (restricted) and 050-059 (coupons)
    for second in "0123456789":
        code = with_check(prefix[1] + second + "123456789")
        assert upc.is_valid(code) is (prefix == "03")


def test_a_upc_starting_with_four_zeros_is_read_as_a_gtin8() -> None:
    # 000012345670 → 13-digit view 0000012345670 → GTIN-8 12345670, a trade prefix
    assert upc.is_valid(with_check("00001234567"))
    # 000000123457 → GTIN-8 00123457: an RCN-8 velocity code
    with pytest.raises(NonTradePrefix):
        upc.validate(with_check("00000012345"))
