"""Properties of brand_key over arbitrary text: total, [a-z0-9] only, idempotent, blind to invisible characters."""

from __future__ import annotations

import re
import string

import pytest
from asinflow_brands import brand_key
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.unit

KEY = re.compile(r"[a-z0-9]*")
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad", "\u2062", "\u180e"]

any_text = st.text(max_size=60)
brand_like_text = st.text(alphabet=string.ascii_letters + string.digits + " .,-&'/", max_size=40)


@settings(deadline=None, max_examples=300)
@given(any_text)
def test_brand_key_accepts_any_text_and_returns_lower_case_ascii_letters_and_digits(name: str) -> None:
    assert KEY.fullmatch(brand_key(name))


@settings(deadline=None)
@given(st.text(max_size=20), st.integers(min_value=0, max_value=20))
def test_brand_key_accepts_text_with_lone_surrogates(name: str, position: int) -> None:
    assert KEY.fullmatch(brand_key(name[:position] + "\ud800" + name[position:]))


@settings(deadline=None, max_examples=300)
@given(any_text)
def test_a_key_is_its_own_key(name: str) -> None:
    key = brand_key(name)
    assert brand_key(key) == key


@settings(deadline=None, max_examples=200)
@given(
    any_text,
    st.lists(st.tuples(st.integers(min_value=0, max_value=60), st.sampled_from(INVISIBLE)), max_size=6),
)
def test_inserting_zero_width_characters_does_not_change_the_key(name: str, insertions: list[tuple[int, str]]) -> None:
    spelled = name
    for position, invisible in insertions:
        spelled = spelled[:position] + invisible + spelled[position:]
    assert brand_key(spelled) == brand_key(name)


@settings(deadline=None)
@given(brand_like_text)
def test_case_does_not_matter(name: str) -> None:
    assert brand_key(name.upper()) == brand_key(name.lower()) == brand_key(name)


@settings(deadline=None)
@given(st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=30))
def test_a_plain_lower_case_ascii_word_is_its_own_key(word: str) -> None:
    assert brand_key(word) == word
