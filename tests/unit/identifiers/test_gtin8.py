"""GTIN-8 (EAN-8) and the GS1-8 prefix table."""

from __future__ import annotations

import pytest
from asinflow_identifier_validation.domain.identifiers import (
    InvalidChecksum,
    InvalidFormat,
    InvalidLength,
    NonTradePrefix,
    gtin8,
)
from stdnum.ean import calc_check_digit

pytestmark = pytest.mark.unit


def with_check(payload: str) -> str:
    return payload + calc_check_digit(payload)


@pytest.mark.parametrize("code", ["73513537", "96385074", "40170725", "50184385", "12345670", "49123456"])
def test_real_gtin8s_are_valid(code: str) -> None:
    assert gtin8.validate(code) == code
    assert gtin8.to_gtin14(code) == "000000" + code


@pytest.mark.parametrize("written", ["7351 3537", "7351-3537", " 73513537 "])
def test_separators_are_tolerated(written: str) -> None:
    assert gtin8.validate(written) == "73513537"


def test_format() -> None:
    assert gtin8.format("73513537") == "7351 3537"


@pytest.mark.parametrize("wrong", ["73513538", "96385075", "40170720"])
def test_a_wrong_check_digit_is_invalid_checksum(wrong: str) -> None:
    with pytest.raises(InvalidChecksum):
        gtin8.validate(wrong)


@pytest.mark.parametrize("code", ["7351353", "735135370", "036000291452"])
def test_a_wrong_length_is_invalid_length(code: str) -> None:
    with pytest.raises(InvalidLength, match="8 digits"):
        gtin8.validate(code)


@pytest.mark.parametrize("code", ["7351353B", "７３５１３５３７", "٧٣٥١٣٥٣٧", "7351353²"])
def test_letters_and_non_ascii_digits_are_invalid_format(code: str) -> None:
    with pytest.raises(InvalidFormat):
        gtin8.validate(code)


@pytest.mark.parametrize("first", "02")
@pytest.mark.parametrize("second", "0123456789")
def test_rcn8_ranges_0xx_and_2xx_are_restricted_circulation(first: str, second: str) -> None:
    with pytest.raises(NonTradePrefix, match="restricted circulation"):
        gtin8.validate(with_check(first + second + "12345"))


@pytest.mark.parametrize("prefix", [str(p) for p in range(977, 1000)] + ["951", "952"])
def test_unused_and_non_product_gs1_8_prefixes_are_non_trade(prefix: str) -> None:
    with pytest.raises(NonTradePrefix):
        gtin8.validate(with_check(prefix + "1234"))


@pytest.mark.parametrize("prefix", ["100", "139", "300", "450", "760", "960", "965", "969", "976"])
def test_gs1_8_prefixes_of_member_organisations_and_the_global_office_are_products(prefix: str) -> None:
    assert gtin8.is_valid(with_check(prefix + "1234"))
