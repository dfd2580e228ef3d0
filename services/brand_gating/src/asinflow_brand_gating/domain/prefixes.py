"""GS1 company prefixes: which brand owns a GTIN (longest registered prefix first)."""

from __future__ import annotations

import re

MIN_PREFIX, MAX_PREFIX = 6, 12
_PREFIX = re.compile(r"^[0-9]{6,12}$")


def is_company_prefix(text: str) -> bool:
    return bool(_PREFIX.match(text))


def candidate_prefixes(gtin14: str) -> list[str]:
    """The company prefixes a GTIN-14 could carry, longest first.

    A company prefix is written as in the GTIN-13 (the GTIN-14 without its indicator digit: a UPC-A's
    prefix starts with its leading 0), 6 to 12 digits long.
    """
    gtin13 = gtin14[1:]
    return [gtin13[:n] for n in range(MAX_PREFIX, MIN_PREFIX - 1, -1)]


def owning_prefix(gtin14: str, registered: dict[str, str]) -> tuple[str, str] | None:
    """(prefix, brand key) of the longest registered prefix of ``gtin14``, or None."""
    for prefix in candidate_prefixes(gtin14):
        if prefix in registered:
            return prefix, registered[prefix]
    return None
