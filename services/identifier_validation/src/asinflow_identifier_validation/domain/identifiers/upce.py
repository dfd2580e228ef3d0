"""UPC-E: the zero-suppressed 8-digit form of a UPC-A, expanded to UPC-A before anything else.

Eight digits: the number system (0 or 1), six digits of the suppressed UPC-A, and the check digit
of the *expanded* UPC-A. The 6-digit body printed between the guard bars (without number system
and check digit) is not accepted: it carries no check digit, so a typo in it cannot be caught.

Expansion (GS1 General Specifications, UPC-E zero suppression), for ``N d1 d2 d3 d4 d5 d6 C``:

=======  ==================================
d6       UPC-A
=======  ==================================
0, 1, 2  N d1 d2 d6 0 0 0 0 d3 d4 d5 C
3        N d1 d2 d3 0 0 0 0 0 d4 d5 C
4        N d1 d2 d3 d4 0 0 0 0 0 d5 C
5 - 9    N d1 d2 d3 d4 d5 0 0 0 0 d6 C
=======  ==================================

>>> validate("04252614")
'04252614'
>>> to_upca("04252614")
'042100005264'
>>> to_gtin14("0425 2614")
'00042100005264'
"""

from __future__ import annotations

from . import gs1_prefix
from ._util import clean, require_check_digit, require_digits, require_length, shown
from .exceptions import IdentifierError, InvalidComponent

LABEL = "UPC-E"
LENGTH = 8
NUMBER_SYSTEMS = ("0", "1")


def compact(value: str) -> str:
    """Strip surrounding whitespace and separators."""
    return clean(value)


def expand(number: str) -> str:
    """The UPC-A of a compact 8-digit UPC-E (no validation; the check digit is carried over)."""
    system, body, check = number[0], number[1:7], number[7]
    last = body[5]
    if last in "012":
        middle = body[:2] + last + "0000" + body[2:5]
    elif last == "3":
        middle = body[:3] + "00000" + body[3:5]
    elif last == "4":
        middle = body[:4] + "00000" + body[4]
    else:
        middle = body[:5] + "0000" + last
    return system + middle + check


def validate(value: str) -> str:
    """Return the compact UPC-E, or raise an IdentifierError.

    Format → length → checksum (of the expanded UPC-A) → number system 0/1 → GS1 prefix.
    """
    number = compact(value)
    require_digits(number, LABEL)
    require_length(number, (LENGTH,), LABEL)
    upca = expand(number)
    require_check_digit(number, LABEL, payload=upca[:-1])
    if number[0] not in NUMBER_SYSTEMS:
        raise InvalidComponent(
            f"The {LABEL} {shown(number)} starts with number system {number[0]}; a UPC-E starts with 0 or 1."
        )
    gs1_prefix.validate(upca.zfill(14), LABEL, number)
    return number


def is_valid(value: str) -> bool:
    """Whether ``value`` is a valid UPC-E of a trade item."""
    try:
        return bool(validate(value))
    except IdentifierError:
        return False


def to_upca(value: str) -> str:
    """Validate a UPC-E and return its 12-digit UPC-A."""
    return expand(validate(value))


def to_gtin14(value: str) -> str:
    """Validate a UPC-E and return the GTIN-14 of its UPC-A."""
    return to_upca(value).zfill(14)


def format(value: str) -> str:
    """The UPC-E as printed under its bar code: number system, six digits, check digit."""
    number = compact(value)
    return f"{number[0]} {number[1:7]} {number[7]}"
