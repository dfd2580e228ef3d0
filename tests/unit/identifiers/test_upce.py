"""UPC-E, expanded to UPC-A."""

from __future__ import annotations

import pytest
from asinflow_identifier_validation.domain.identifiers import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    upc,
    upce,
)
from stdnum.ean import calc_check_digit

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("code", "upca"),
    [
        ("04252614", "042100005264"),  # d6 = 1
        ("01234505", "012000003455"),  # d6 = 5
        ("12345639", "123400000569"),  # number system 1, d6 = 9
        ("15432106", "154000003216"),  # d6 = 0
        ("19876544", "198760000054"),  # d6 = 4
        ("12000014", "120100000004"),  # d6 = 1
    ],
)
def test_upce_expands_to_its_upca(code: str, upca: str) -> None:
    assert upce.validate(code) == code
    assert upce.to_upca(code) == upca
    assert upce.to_gtin14(code) == "00" + upca
    assert upc.is_valid(upca)


@pytest.mark.parametrize("d6", "0123456789")
def test_every_expansion_rule_keeps_a_valid_check_digit(d6: str) -> None:
    body = "0" + "12345"[:5] + d6
    upca_payload = upce.expand(body + "0")[:-1]
    code = body + calc_check_digit(upca_payload)
    assert upce.is_valid(code)
    upca = upce.to_upca(code)
    assert upca == upca_payload + code[-1]
    assert len(upca) == 12


def test_expansion_table() -> None:
    assert upce.expand("01234500") == "012000003450"  # 0,1,2: manufacturer d1 d2 d6 0000 d3 d4 d5
    assert upce.expand("01234530") == "012300000450"  # 3
    assert upce.expand("01234540") == "012340000050"  # 4
    assert upce.expand("01234570") == "012345000070"  # 5-9


@pytest.mark.parametrize("written", ["0425 2614", "0-425261-4", "0 425261 4", "04252614 "])
def test_separators_are_tolerated(written: str) -> None:
    assert upce.validate(written) == "04252614"


def test_format() -> None:
    assert upce.format("04252614") == "0 425261 4"


@pytest.mark.parametrize("wrong", ["04252615", "04252610", "12345630"])
def test_the_check_digit_is_that_of_the_expanded_upca(wrong: str) -> None:
    with pytest.raises(InvalidChecksum):
        upce.validate(wrong)


@pytest.mark.parametrize("number_system", "23456789")
def test_only_number_systems_0_and_1_exist(number_system: str) -> None:
    body = number_system + "425261"
    code = body + calc_check_digit(upce.expand(body + "0")[:-1])
    with pytest.raises(InvalidComponent) as raised:
        upce.validate(code)
    assert "0 or 1" in str(raised.value)


@pytest.mark.parametrize("code", ["425261", "0425261", "042526145", "042100005264"])
def test_other_lengths_including_the_6_digit_body_are_invalid_length(code: str) -> None:
    with pytest.raises(InvalidLength):
        upce.validate(code)


@pytest.mark.parametrize("code", ["0425261A", "０４２５２６１４", "٠٤٢٥٢٦١٤", "0425261²", "0425/2614"])
def test_letters_and_non_ascii_digits_are_invalid_format(code: str) -> None:
    with pytest.raises(InvalidFormat):
        upce.validate(code)
