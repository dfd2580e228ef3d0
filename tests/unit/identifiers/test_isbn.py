"""ISBN-10 and ISBN-13, normalised through their 978/979 EAN."""

from __future__ import annotations

import pytest
from asinflow_identifier_validation.domain.identifiers import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    isbn,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("isbn10", "isbn13"),
    [
        ("0306406152", "9780306406157"),  # Wikipedia's ISBN example
        ("0262033844", "9780262033848"),  # Introduction to Algorithms, 3rd ed.
        ("0131103628", "9780131103627"),  # The C Programming Language, 2nd ed.
        ("0201633612", "9780201633610"),  # Design Patterns
        ("0596009259", "9780596009250"),  # Programming Python, 3rd ed.
        ("080442957X", "9780804429573"),  # check character X
        ("1857982185", "9781857982183"),
    ],
)
def test_isbn10_converts_to_its_978_isbn13(isbn10: str, isbn13: str) -> None:
    assert isbn.validate(isbn10) == isbn10
    assert isbn.to_isbn13(isbn10) == isbn13
    assert isbn.to_gtin14(isbn10) == "0" + isbn13
    assert isbn.to_gtin14(isbn13) == "0" + isbn13


@pytest.mark.parametrize("code", ["9781492056355", "9780471117094", "9798886450002", "9790230671187"])
def test_isbn13s_are_valid(code: str) -> None:
    assert isbn.validate(code) == code


@pytest.mark.parametrize(
    ("written", "compact"),
    [
        ("978-0-306-40615-7", "9780306406157"),
        ("978 0 306 40615 7", "9780306406157"),
        ("978–0–306–40615–7", "9780306406157"),  # en dashes from a word processor
        ("0-306-40615-2", "0306406152"),
        ("0-8044-2957-x", "080442957X"),  # lower-case check character
        ("0 8044 2957 X", "080442957X"),
    ],
)
def test_separators_and_a_lower_case_x_are_tolerated(written: str, compact: str) -> None:
    assert isbn.validate(written) == compact


def test_format_hyphenates_by_the_isbn_ranges() -> None:
    assert isbn.format("9780306406157") == "978-0-306-40615-7"
    assert isbn.format("0306406152") == "0-306-40615-2"


@pytest.mark.parametrize("wrong", ["0306406153", "0306406150", "080442957 1", "9780306406158", "9780306406150"])
def test_a_wrong_check_digit_is_invalid_checksum(wrong: str) -> None:
    with pytest.raises(InvalidChecksum):
        isbn.validate(wrong)


@pytest.mark.parametrize("code", ["030640615", "03064061522", "978030640615", "97803064061577"])
def test_a_wrong_length_is_invalid_length(code: str) -> None:
    with pytest.raises(InvalidLength, match="ISBN-10"):
        isbn.validate(code)


@pytest.mark.parametrize(
    "code",
    [
        "03064X6152",
        "X306406152",
        "978030640615X",
        "０３０６４０６１５２",
        "٠٣٠٦٤٠٦١٥٢",
        "0306406152²",
        "ISBN 0306406152",
    ],
)
def test_letters_other_than_a_final_x_and_non_ascii_digits_are_invalid_format(code: str) -> None:
    with pytest.raises(InvalidFormat):
        isbn.validate(code)


@pytest.mark.parametrize("code", ["4006381333931", "9771473968012"])
def test_an_isbn13_outside_978_979_is_not_an_isbn(code: str) -> None:
    with pytest.raises(InvalidComponent, match="978 or 979"):
        isbn.validate(code)
