"""near_miss and closest: a typo or two from a registered brand is flagged; a different brand is not."""

from __future__ import annotations

import pytest
from asinflow_brands import MIN_KEY_LENGTH, brand_key, closest, near_miss

pytestmark = pytest.mark.unit

REGISTERED_KEYS = [brand_key(name) for name in ["Acme", "Nike", "Apple", "Logitech", "Sony", "Hearth & Loom", "Bose"]]


@pytest.mark.parametrize(
    ("name", "registered", "distance"),
    [
        ("Acmy", "Acme", 1),
        ("Sonny", "Sony", 1),
        ("Logitek", "Logitech", 2),
        ("Snoy", "Sony", 1),  # neighbours swapped
        ("Appel", "Apple", 1),
        ("Aple", "Apple", 1),
        ("Logitehc", "Logitech", 1),
        ("Logitch", "Logitech", 1),
        ("Bosse", "Bose", 1),
        ("Nikke", "Nike", 1),
        ("Hearth & Looms", "Hearth & Loom", 1),
        ("Heart & Loom", "Hearth & Loom", 1),
        ("Dolce e Gabbana", "Dolce & Gabbana", 1),  # only "and" is a connector
        ("NlKE", "Nike", 1),  # capital I written as small L
        ("N1KE", "Nike", 1),  # ... or as the digit one
        ("5ony", "Sony", 1),  # digit at the edge of the word
        ("Acrne", "Acme", 1),  # "rn" looks like "m"
        ("Nіkе Іnc.", "Nikke", 1),  # look-alikes folded first, then compared
    ],
)
def test_a_near_miss_is_flagged_with_its_distance(name: str, registered: str, distance: int) -> None:
    assert near_miss(name, brand_key(registered)) == distance


@pytest.mark.parametrize(
    ("name", "registered"),
    [
        ("Nikon", "Nike"),
        ("Sonos", "Sony"),
        ("Bosch", "Bose"),
        ("Acer", "Acme"),
        ("Acne Studios", "Acme"),
        ("Applebee's", "Apple"),
        ("Logic3", "Logitech"),
        ("Samsung", "Sony"),
        ("Hearth & Hand", "Hearth & Loom"),
        ("Dolce & Gabbana", "Dolce & Gabbana Casa"),
        ("Asics", "Acme"),
        ("Acme", "Acme"),  # an exact match is not a near miss
        ("Acme Inc.", "Acme"),  # nor is a look-alike that is gated
        ("", "Acme"),
    ],
)
def test_a_different_brand_or_an_exact_match_is_not_a_near_miss(name: str, registered: str) -> None:
    assert near_miss(name, brand_key(registered)) is None


@pytest.mark.parametrize(("name", "registered"), [("3N", "3M"), ("Bik", "Bic"), ("LG", "LQ"), ("Hp", "")])
def test_short_keys_have_no_near_misses(name: str, registered: str) -> None:
    assert len(brand_key(registered)) < MIN_KEY_LENGTH
    assert near_miss(name, brand_key(registered)) is None


def test_one_edit_for_short_keys_and_two_from_six_characters() -> None:
    assert near_miss("Acxy", brand_key("Acme")) is None  # two edits in four letters
    assert near_miss("Bosxy", brand_key("Boxes")) is None  # two edits in five letters
    assert near_miss("Logitexx", brand_key("Logitech")) == 2


def test_max_distance_caps_the_distance() -> None:
    assert near_miss("Logitek", brand_key("Logitech"), max_distance=1) is None
    assert near_miss("Logitech1", brand_key("Logitech"), max_distance=1) == 1
    assert near_miss("Sonny", brand_key("Sony"), max_distance=0) is None
    with pytest.raises(ValueError, match="max_distance"):
        near_miss("Sonny", brand_key("Sony"), max_distance=-1)
    with pytest.raises(ValueError, match="max_distance"):
        closest("Sonny", [], max_distance=-1)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sonny", ("sony", 1)),
        ("Logitek", ("logitech", 2)),
        ("Hearth & Looms", (brand_key("Hearth & Loom"), 1)),
        ("Nikon", None),
        ("Sonos", None),
        ("Acme Inc.", None),  # exact: found by key, not by closest
        ("", None),
    ],
)
def test_closest_finds_the_registered_key_of_a_near_miss(name: str, expected: tuple[str, int] | None) -> None:
    assert closest(name, REGISTERED_KEYS) == expected


def test_closest_prefers_the_nearest_key_then_the_first() -> None:
    assert closest("Hearth & Loomss", ["hearthloom", "hearthlooms"]) == ("hearthlooms", 1)
    assert closest("Acre", ["acme", "acne"]) == ("acme", 1)
    assert closest("Acre", ["acne", "acme"]) == ("acne", 1)


def test_closest_accepts_any_iterable_of_keys() -> None:
    registered = {key: object() for key in REGISTERED_KEYS}
    assert closest("Bosse", registered) == ("bose", 1)
    assert closest("Bosse", iter(REGISTERED_KEYS)) == ("bose", 1)
    assert closest("Bosse", []) is None
