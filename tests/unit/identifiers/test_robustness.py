"""Junk in, IdentifierError out: no validator ever raises anything else (python-stdnum's robustness test)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from asinflow_identifier_validation.domain.identifiers import (
    DECLARED_TYPES,
    KINDS,
    IdentifierError,
    check,
    ean,
    gtin,
    gtin8,
    gtin14,
    isbn,
    to_gtin14,
    upc,
    upce,
)
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.unit

MODULES = [ean, gtin, gtin8, gtin14, isbn, upc, upce]
DECLARED: list[str | None] = [None, *DECLARED_TYPES]

JUNK: list[Any] = [
    "",
    " ",
    "-",
    "--- ---",
    "\n",
    "\x00",
    "None",
    "null",
    "NULL",
    "nil",
    "undefined",
    "NaN",
    "nan",
    "inf",
    "-1",
    "+4006381333931",
    "0x1F",
    "1e12",
    "3.14",
    "true",
    "[]",
    "{}",
    '{"type": "UPC", "value": "036000291452"}',
    "X",
    "x",
    "XXXXXXXXXX",
    "000000000X",
    "0000000000000",
    "00000000000000",
    "99999999999999",
    "00000000",
    "0" * 12,
    "1" * 1_000_000,
    "-" * 100_000,
    "٣" * 100_000,
    "²³¹",
    "٠١٢٣٤٥٦٧٨٩",
    "۰۱۲۳۴۵۶۷۸۹",
    "０１２３４５６７８９",
    "①②③④⑤⑥⑦⑧",
    "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕",
    "036000291452\u200b",
    "\u202e036000291452",
    "\ufeff036000291452",
    "\ud800",
    "036000291452\udcff",
    "🙂" * 13,
    "Ⅻ",
    "ß" * 10,
    "İ" * 8,
    b"\xff\xfe\x00\x01".decode("latin-1"),
    bytes(range(256)).decode("latin-1"),
    bytes(range(256)).decode("utf-8", errors="surrogateescape"),
    # not even text
    None,
    12345670,
    3.0,
    b"036000291452",
    ["036000291452"],
    object(),
]

VALIDATORS: list[Callable[[Any], object]] = [
    *(module.validate for module in MODULES),
    *(lambda value, declared=declared: check(value, declared) for declared in DECLARED),
    to_gtin14,
]


def _assert_only_identifier_errors(value: Any) -> None:
    for validate in VALIDATORS:
        try:
            validate(value)
        except IdentifierError as error:
            assert isinstance(error, ValueError)
            assert error.code.startswith("IDENTIFIER_")
            assert str(error)
    for module in MODULES:
        assert module.is_valid(value) in (True, False)


@pytest.mark.parametrize("value", JUNK, ids=lambda value: repr(value)[:30])
def test_junk_raises_only_identifier_errors(value: Any) -> None:
    _assert_only_identifier_errors(value)


def _assert_checked_is_sound(value: str, declared: str | None) -> None:
    try:
        checked = check(value, declared)
    except IdentifierError:
        return
    assert checked.input == value
    assert checked.kind in KINDS
    assert re.fullmatch(r"[0-9]{14}", checked.gtin14)
    assert gtin14.is_valid(checked.gtin14)


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_text(value: str) -> None:
    _assert_only_identifier_errors(value)
    _assert_checked_is_sound(value, None)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=40))
def test_random_bytes_decoded(raw: bytes) -> None:
    for encoding, errors in (("utf-8", "replace"), ("utf-8", "surrogateescape"), ("latin-1", "strict")):
        _assert_only_identifier_errors(raw.decode(encoding, errors=errors))


_NEAR_MISS = st.text(alphabet="0123456789 -Xx\u00a0\u2013٣²３", min_size=0, max_size=16)


@settings(max_examples=600, deadline=None)
@given(_NEAR_MISS, st.sampled_from(DECLARED))
def test_digit_like_strings_reach_every_stage(value: str, declared: str | None) -> None:
    _assert_only_identifier_errors(value)
    _assert_checked_is_sound(value, declared)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=8, max_size=14), st.sampled_from(DECLARED))
def test_all_digit_strings_are_sound(value: str, declared: str | None) -> None:
    _assert_checked_is_sound(value, declared)
