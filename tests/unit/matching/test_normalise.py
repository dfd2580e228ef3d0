"""Normalisers: model numbers (explicit and hidden in titles), measures, numbers, colours, brands."""

from __future__ import annotations

import pytest
from asinflow_duplicate_matching.domain.normalise import (
    colours_in,
    is_measure,
    measures_in,
    model_numbers_in,
    normalise_brand,
    normalise_model_number,
    numbers_in,
    squash,
    words,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [("elplp12", "ELPLP12"), ("xav5001-100nas", "XAV5001100NAS"), (" VGN-AW110J/H ", "VGNAW110JH"), ("", "")],
)
def test_model_number_is_upper_case_alphanumerics(raw: str, normalised: str) -> None:
    assert normalise_model_number(raw) == normalised


@pytest.mark.parametrize(
    ("title", "codes"),
    [
        ("epson 1500 hours 200w uhe projector lamp elplp12", ["ELPLP12"]),
        ("toshiba ph3100u-1e3s 1tb usb 3.0 desktop hard drive", ["PH3100U1E3S"]),
        ("verbatim acclaim 320 gb usb 2.0 portable hard drive 97185 blue", ["97185"]),
        ("sony vaio aw110j/h notebook vgnaw110j/h", ["AW110JH", "VGNAW110JH"]),
        ("logitech harmony 890 remote h890", ["H890"]),
        ("linksys etherfast 8-port 10/100 switch", []),  # a fraction and a port count
        ("microsoft word 2007 upgrade", []),  # a year
        ("canon 5d mark ii 4x6 1080p 4th gen", []),  # measures and ordinals
        ("adobe photoshop cs3", []),  # too short
    ],
)
def test_model_numbers_hidden_in_titles(title: str, codes: list[str]) -> None:
    assert model_numbers_in(title) == codes


@pytest.mark.parametrize("token", ["200w", "1.5tb", "1500hours", "4th", "3-way", "4x6", "1080p", "32gb"])
def test_measures_are_not_model_numbers(token: str) -> None:
    assert is_measure(token)
    assert model_numbers_in(f"acme {token} thing") == []


@pytest.mark.parametrize("token", ["elplp12", "h890", "wfw9200swh"])
def test_model_numbers_are_not_measures(token: str) -> None:
    assert not is_measure(token)


def test_measures_are_unit_normalised() -> None:
    assert measures_in("toshiba 1 tb drive, 200 watts, 2.50 ghz") == {"1TB", "200W", "2.5GHZ"}
    assert measures_in("1tb") == measures_in("1 TB") == {"1TB"}
    assert measures_in("canon 5 d") == frozenset()  # a lone letter after a space is not a unit


def test_numbers_compare_by_value() -> None:
    assert numbers_in("usb 3.0 drive 320 gb") == {"3", "320"}
    assert numbers_in("model tg-6660tr") == frozenset()  # inside a model number


def test_colours_are_canonical() -> None:
    assert colours_in("Grey and VIOLET case, black trim") == {"gray", "purple", "black"}


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("Sony Corp.", "sony"),
        ("SONY", "sony"),
        ("Procter & Gamble Co", "procter and gamble"),
        ("Nestlé S.A.", "nestle"),
        ("Hewlett-Packard", "hewlett packard"),
        ("Co", "co"),  # a suffix alone is kept
    ],
)
def test_brand_normalisation(raw: str, normalised: str) -> None:
    assert normalise_brand(raw) == normalised


def test_words_and_squash() -> None:
    assert words("Toshiba USB 3.0 drive\u00a0(1TB)") == ["toshiba", "usb", "3.0", "drive", "1tb"]
    assert squash("108 r00645") == "108R00645"


@pytest.mark.parametrize("junk", ["", " ", "²³", "١٢٣٤٥", "💾💾", "\x00", "-----", "12345678901234567890" * 5])
def test_junk_never_raises(junk: str) -> None:
    model_numbers_in(junk)
    measures_in(junk)
    numbers_in(junk)
    normalise_brand(junk)
    assert all(c.isascii() for c in model_numbers_in(junk))
