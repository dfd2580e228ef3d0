"""Near misses: names whose key is not a registered brand's key but a typo or two away from it.

A near miss is not gated (it may be a different brand: "Sonos" is not "Sony"), it is flagged for review on the
listing. The distance is the Damerau–Levenshtein edit distance between the two keys (``rapidfuzz``), so a swap
of two neighbouring letters ("Snoy") counts as one edit, like a wrong, missing or extra letter. A pair of letters
that looks like one letter ("rn" for "m", "vv" for "w", "cl" for "d"; the key leaves them alone, see
:mod:`asinflow_brands.normalise`) also counts as one edit: "Acrne" is a near miss of "acme" at distance 1.

How many edits count depends on the length of the *registered* key, since one or two edits are most of a short
word ("Bic" and "Mic", "3M" and "3N" are different brands):

- keys shorter than :data:`MIN_KEY_LENGTH` (4) have no near misses;
- otherwise at most ``len(registered_key) // 3`` edits, and never more than ``max_distance``: one edit for keys
  of 4–5 characters ("Acmy" for "acme", "Sonny" for "sony"), two from 6 characters ("Logitek" for "logitech").

An exact match (distance 0) is not a near miss: look it up by :func:`asinflow_brands.brand_key` instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz.distance import DamerauLevenshtein

from asinflow_brands.normalise import brand_key

MIN_KEY_LENGTH = 4
"""Registered keys shorter than this have no near misses."""

_PAIRS_THAT_LOOK_LIKE_ONE_LETTER = (("rn", "m"), ("vv", "w"), ("cl", "d"))


def near_miss(name: str, registered_key: str, max_distance: int = 2) -> int | None:
    """Edit distance (1..max_distance) from ``name``'s key to ``registered_key`` when it is a near miss, else None.

    ``registered_key`` is a key as :func:`asinflow_brands.brand_key` returns it, not a display name.
    """
    _check_max_distance(max_distance)
    return _near_miss_distance(brand_key(name), registered_key, max_distance)


def closest(name: str, registered_keys: Iterable[str], max_distance: int = 2) -> tuple[str, int] | None:
    """The registered key ``name`` is a near miss of, with its distance; the nearest (then first in order) wins.

    None when ``name`` is a near miss of none of them (an exact match is not a near miss).
    """
    _check_max_distance(max_distance)
    key = brand_key(name)
    best: tuple[str, int] | None = None
    for registered_key in registered_keys:
        distance = _near_miss_distance(key, registered_key, max_distance)
        if distance is not None and (best is None or distance < best[1]):
            best = (registered_key, distance)
    return best


def _check_max_distance(max_distance: int) -> None:
    if max_distance < 0:
        raise ValueError(f"max_distance must not be negative, got {max_distance}")


def _near_miss_distance(key: str, registered_key: str, max_distance: int) -> int | None:
    allowed = _allowed_edits(registered_key, max_distance)
    if not key or allowed == 0 or key == registered_key:
        return None
    as_typed = DamerauLevenshtein.distance(key, registered_key, score_cutoff=allowed)
    as_seen = DamerauLevenshtein.distance(_one_letter_pairs(key), _one_letter_pairs(registered_key))
    distance = max(1, min(as_typed, as_seen))  # pairs read as one letter may make the keys equal: still one edit
    return distance if distance <= allowed else None


def _one_letter_pairs(key: str) -> str:
    for pair, letter in _PAIRS_THAT_LOOK_LIKE_ONE_LETTER:
        key = key.replace(pair, letter)
    return key


def _allowed_edits(registered_key: str, max_distance: int) -> int:
    if len(registered_key) < MIN_KEY_LENGTH:
        return 0
    return min(max_distance, len(registered_key) // 3)
