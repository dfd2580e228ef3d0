"""EAN-13 (GTIN-13) and its kinds: JAN, ISSN, ISMN, ISBN-13."""

from __future__ import annotations

import pytest
from asinflow_identifier_validation.domain.identifiers import (
    InvalidChecksum,
    InvalidFormat,
    InvalidLength,
    NonTradePrefix,
    ean,
)
from stdnum.ean import calc_check_digit

pytestmark = pytest.mark.unit


def with_check(payload: str) -> str:
    return payload + calc_check_digit(payload)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("4006381333931", "EAN-13"),  # STABILO pen, Wikipedia's EAN-13 example
        ("3017620422003", "EAN-13"),  # Nutella 400 g
        ("5449000000996", "EAN-13"),  # Coca-Cola 330 ml
        ("8000500310427", "EAN-13"),
        ("7622210449283", "EAN-13"),
        ("5000112548167", "EAN-13"),
        ("5901234123457", "EAN-13"),  # GS1 Poland example
        ("0885909950805", "EAN-13"),  # a UPC-A written with a leading zero
        ("4901234567894", "JAN"),
        ("4902102072670", "JAN"),
        ("4549292157581", "JAN"),
        ("9771473968012", "ISSN"),
        ("9790230671187", "ISMN"),
        ("9780306406157", "ISBN-13"),
        ("9798886450002", "ISBN-13"),
    ],
)
def test_real_eans_are_valid_and_classified(code: str, kind: str) -> None:
    assert ean.validate(code) == code
    assert ean.is_valid(code)
    assert ean.kind(code) == kind
    assert ean.to_gtin14(code) == "0" + code


@pytest.mark.parametrize("written", ["4 006381 333931", "4-006381-333931", "4006 3813 33931", "\t4006381333931 "])
def test_separators_are_tolerated(written: str) -> None:
    assert ean.validate(written) == "4006381333931"


def test_format() -> None:
    assert ean.format("4006381333931") == "4 006381 333931"


def test_jan_is_an_ean13_with_a_gs1_japan_prefix() -> None:
    assert ean.is_jan("4901234567894")
    assert ean.is_jan(with_check("451234567890"))
    assert not ean.is_jan("4006381333931")


@pytest.mark.parametrize("wrong", ["4006381333932", "4006381333930", "3017620422004", "4006318333931"])
def test_a_wrong_check_digit_is_invalid_checksum(wrong: str) -> None:
    with pytest.raises(InvalidChecksum):
        ean.validate(wrong)


@pytest.mark.parametrize("code", ["400638133393", "40063813339311", "4006381", "73513537"])
def test_a_wrong_length_is_invalid_length(code: str) -> None:
    with pytest.raises(InvalidLength, match="13 digits"):
        ean.validate(code)


@pytest.mark.parametrize(
    "code",
    [
        "400638133393I",
        "４００６３８１３３３９３１",
        "٤٠٠٦٣٨١٣٣٣٩٣١",
        "4006381333931\u00b9",
        "4006381333931.",
        "ean",
    ],
)
def test_letters_and_non_ascii_digits_are_invalid_format(code: str) -> None:
    with pytest.raises(InvalidFormat):
        ean.validate(code)


@pytest.mark.parametrize(
    "prefix",
    [
        *(f"{p:03d}" for p in range(20, 30)),
        *(f"{p:03d}" for p in range(40, 50)),
        *(f"{p:03d}" for p in range(200, 300)),
        *(f"{p:03d}" for p in range(50, 60)),
        "980",
        "981",
        "982",
        "983",
        "984",
        *(f"{p:03d}" for p in range(990, 1000)),
    ],
)
def test_every_restricted_coupon_and_refund_prefix_is_non_trade(prefix: str) -> None:
    code = with_check(prefix + "123456789")  # a right check digit: it fails for the prefix
    with pytest.raises(NonTradePrefix) as raised:
        ean.validate(code)
    assert raised.value.code == "IDENTIFIER_NON_TRADE_PREFIX"
    assert raised.value.prefix == prefix


@pytest.mark.parametrize("prefix", ["977", "978", "979", "450", "490", "950", "960", "985", "989"])
def test_publications_japan_and_other_trade_prefixes_are_products(prefix: str) -> None:
    assert ean.is_valid(with_check(prefix + "123456789"))
