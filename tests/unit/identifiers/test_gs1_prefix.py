"""GS1 prefix rules on the 13-digit view (DESIGN §4), and the GS1-8 table for GTIN-8s."""

from __future__ import annotations

import pytest
from asinflow_identifier_validation.domain.identifiers import NonTradePrefix, gs1_prefix
from stdnum.ean import calc_check_digit

pytestmark = pytest.mark.unit

RESTRICTED = {*range(20, 30), *range(40, 50), *range(200, 300)}
COUPONS = {*range(50, 60), *range(981, 985), *range(990, 1000)}
REFUND = {980}
NOT_PRODUCTS = {951, 952}  # EPC General Manager Numbers; demonstration numbers
NON_TRADE_13 = RESTRICTED | COUPONS | REFUND | NOT_PRODUCTS


def with_check(payload: str) -> str:
    return payload + calc_check_digit(payload)


@pytest.mark.parametrize("prefix", range(1000))
def test_every_13_digit_prefix_is_judged_by_the_table(prefix: int) -> None:
    gtin14 = "0" + with_check(f"{prefix:03d}123456789")
    reason = gs1_prefix.non_trade_reason(gtin14)
    assert (reason is not None) == (prefix in NON_TRADE_13)


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("021", "restricted circulation"),
        ("045", "restricted circulation"),
        ("210", "restricted circulation"),
        ("055", "coupon"),
        ("982", "coupon"),
        ("995", "coupon"),
        ("980", "refund receipt"),
        ("952", "demonstration"),
        ("951", "EPC"),
    ],
)
def test_reason_says_what_the_number_is(prefix: str, words: str) -> None:
    reason = gs1_prefix.non_trade_reason("0" + with_check(prefix + "123456789"))
    assert reason is not None
    assert words in reason


@pytest.mark.parametrize(
    "prefix",
    ["000", "001", "019", "030", "060", "139", "300", "450", "490", "950", "960", "969", "977", "978", "979"],
)
def test_trade_and_publication_prefixes_are_accepted(prefix: str) -> None:
    assert gs1_prefix.non_trade_reason("0" + with_check(prefix + "123456789")) is None


@pytest.mark.parametrize(
    ("gs1_8_prefix", "non_trade"),
    [
        ("012", True),  # RCN-8 velocity code
        ("099", True),
        ("100", False),
        ("200", True),  # RCN-8
        ("299", True),
        ("400", False),
        ("490", False),
        ("951", True),
        ("952", True),
        ("960", False),  # GS1 Global Office GTIN-8 allocation
        ("969", False),
        ("976", False),
        ("977", True),  # 977-999 not used for GTIN-8
        ("980", True),
        ("999", True),
    ],
)
def test_gtin8s_follow_the_gs1_8_prefix_table(gs1_8_prefix: str, non_trade: bool) -> None:
    gtin8 = with_check(gs1_8_prefix + "1234")
    gtin14 = gtin8.zfill(14)
    assert gs1_prefix.gs1_prefix(gtin14) == gs1_8_prefix
    assert (gs1_prefix.non_trade_reason(gtin14) is not None) is non_trade


def test_a_leading_zero_upc_is_a_normal_us_prefix() -> None:
    # 036000291452 → 13-digit view 0036000291452 → GS1 prefix 003 (GS1 US)
    assert gs1_prefix.gs1_prefix("00036000291452") == "003"
    assert gs1_prefix.non_trade_reason("00036000291452") is None


def test_a_13_digit_view_starting_with_five_zeros_is_a_gtin8() -> None:
    assert gs1_prefix.gs1_prefix("00000073513537") == "735"
    assert gs1_prefix.non_trade_reason("00000073513537") is None
    # 0000000 + ... is a GTIN-8 starting with 0: an RCN-8 velocity code, not a UPC-A
    assert gs1_prefix.non_trade_reason("0000000" + with_check("012345")) is not None


@pytest.mark.parametrize("indicator", "012345678")
def test_a_gtin14_prefix_is_read_after_the_indicator_digit(indicator: str) -> None:
    assert gs1_prefix.non_trade_reason(with_check(indicator + "200123456789")) is not None
    assert gs1_prefix.non_trade_reason(with_check(indicator + "400638133393")) is None


def test_validate_raises_non_trade_prefix_with_prefix_and_reason() -> None:
    with pytest.raises(NonTradePrefix) as raised:
        gs1_prefix.validate("0" + with_check("980123456789"))
    assert raised.value.code == "IDENTIFIER_NON_TRADE_PREFIX"
    assert raised.value.prefix == "980"
    assert "refund receipt" in raised.value.reason
    assert "refund receipt" in str(raised.value)


def test_validate_returns_a_trade_gtin14_unchanged() -> None:
    assert gs1_prefix.validate("04006381333931") == "04006381333931"
