"""GTIN of any length: dispatch to the module of its length."""

from __future__ import annotations

import pytest
from asinflow_identifier_validation.domain.identifiers import (
    InvalidChecksum,
    InvalidFormat,
    InvalidLength,
    NonTradePrefix,
    gtin,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("code", "gtin14"),
    [
        ("73513537", "00000073513537"),
        ("036000291452", "00036000291452"),
        ("4006381333931", "04006381333931"),
        ("10012345678902", "10012345678902"),
    ],
)
def test_every_gtin_length_left_pads_to_gtin14(code: str, gtin14: str) -> None:
    assert gtin.validate(code) == code
    assert gtin.to_gtin14(code) == gtin14


@pytest.mark.parametrize(
    ("code", "printed"),
    [
        ("73513537", "7351 3537"),
        ("036000291452", "0 36000 29145 2"),
        ("4006381333931", "4 006381 333931"),
        ("10012345678902", "1 00 12345 67890 2"),
    ],
)
def test_format_follows_the_bar_code_of_each_length(code: str, printed: str) -> None:
    assert gtin.format(code) == printed


@pytest.mark.parametrize("code", ["0306406152", "04252", "036000291452036", "1234567", "123456789"])
def test_other_lengths_are_invalid_length(code: str) -> None:
    with pytest.raises(InvalidLength, match="8, 12, 13 or 14 digits"):
        gtin.validate(code)


@pytest.mark.parametrize("code", ["73513538", "036000291453", "4006381333932", "10012345678903"])
def test_wrong_check_digits(code: str) -> None:
    with pytest.raises(InvalidChecksum):
        gtin.validate(code)


@pytest.mark.parametrize("code", ["0306406 15X", "４００６３８１３３３９３１", "--", "\u00a0"])
def test_invalid_format(code: str) -> None:
    with pytest.raises(InvalidFormat):
        gtin.validate(code)


@pytest.mark.parametrize("code", ["21234569", "212345678909", "9801234567892", "90012345678908"])
def test_non_trade_numbers_of_every_length(code: str) -> None:
    with pytest.raises(NonTradePrefix):
        gtin.validate(code)
    assert not gtin.is_valid(code)
