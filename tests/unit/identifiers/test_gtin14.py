"""GTIN-14: indicator digit, 13-digit view, check digit."""

from __future__ import annotations

import pytest
from asinflow_identifier_validation.domain.identifiers import (
    InvalidChecksum,
    InvalidFormat,
    InvalidLength,
    NonTradePrefix,
    gtin14,
)
from stdnum.ean import calc_check_digit

pytestmark = pytest.mark.unit


def with_check(payload: str) -> str:
    return payload + calc_check_digit(payload)


@pytest.mark.parametrize(
    "code",
    [
        "10012345678902",  # a case of 012345678905
        "40700719670720",
        "50012345678900",
        "00012345600012",  # indicator 0: the item itself
        "04006381333931",  # an EAN-13 left-padded
        "10000073513534",  # a case of the GTIN-8 73513537
    ],
)
def test_real_gtin14s_are_valid(code: str) -> None:
    assert gtin14.validate(code) == code
    assert gtin14.to_gtin14(code) == code


@pytest.mark.parametrize("written", ["1 00 12345 67890 2", "1-0012345-67890-2", "10012345678902\n"])
def test_separators_are_tolerated(written: str) -> None:
    assert gtin14.validate(written) == "10012345678902"


def test_format() -> None:
    assert gtin14.format("10012345678902") == "1 00 12345 67890 2"


@pytest.mark.parametrize("wrong", ["10012345678903", "10012345678900", "01012345678902"])
def test_a_wrong_check_digit_is_invalid_checksum(wrong: str) -> None:
    with pytest.raises(InvalidChecksum):
        gtin14.validate(wrong)


@pytest.mark.parametrize("code", ["1001234567890", "100123456789022", "4006381333931"])
def test_a_wrong_length_is_invalid_length(code: str) -> None:
    with pytest.raises(InvalidLength, match="14 digits"):
        gtin14.validate(code)


@pytest.mark.parametrize("code", ["1001234567890Z", "１００１２３４５６７８９０２", "١٠٠١٢٣٤٥٦٧٨٩٠٢"])
def test_letters_and_non_ascii_digits_are_invalid_format(code: str) -> None:
    with pytest.raises(InvalidFormat):
        gtin14.validate(code)


def test_indicator_9_variable_measure_is_not_a_fixed_product() -> None:
    with pytest.raises(NonTradePrefix, match="variable measure") as raised:
        gtin14.validate(with_check("9001234567890"))
    assert raised.value.prefix == "9"


@pytest.mark.parametrize("indicator", "012345678")
@pytest.mark.parametrize("prefix", ["021", "045", "055", "250", "980", "983", "997"])
def test_the_gs1_prefix_after_the_indicator_is_checked(indicator: str, prefix: str) -> None:
    with pytest.raises(NonTradePrefix):
        gtin14.validate(with_check(indicator + prefix + "123456789"))


@pytest.mark.parametrize("indicator", "12345678")
def test_packaging_levels_of_a_trade_item_are_valid(indicator: str) -> None:
    assert gtin14.is_valid(with_check(indicator + "400638133393"))


def test_a_case_of_an_rcn8_is_not_a_product() -> None:
    with pytest.raises(NonTradePrefix, match="RCN-8"):
        gtin14.validate(with_check("100000" + "2123456"))
