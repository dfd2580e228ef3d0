"""GTIN-8 (EAN-8): 8 digits, the last a GS1 check digit, judged by the GS1-8 prefix table.

>>> validate("7351-3537")
'73513537'
>>> to_gtin14("73513537")
'00000073513537'
>>> format("73513537")
'7351 3537'
"""

from __future__ import annotations

from . import gs1_prefix
from ._util import clean, require_check_digit, require_digits, require_length
from .exceptions import IdentifierError

LABEL = "GTIN-8"
LENGTH = 8


def compact(value: str) -> str:
    """Strip surrounding whitespace and separators."""
    return clean(value)


def validate(value: str) -> str:
    """Return the compact GTIN-8, or raise an IdentifierError (format → length → checksum → prefix)."""
    number = compact(value)
    require_digits(number, LABEL)
    require_length(number, (LENGTH,), LABEL)
    require_check_digit(number, LABEL)
    gs1_prefix.validate(number.zfill(14), LABEL, number)
    return number


def is_valid(value: str) -> bool:
    """Whether ``value`` is a valid GTIN-8 of a trade item."""
    try:
        return bool(validate(value))
    except IdentifierError:
        return False


def to_gtin14(value: str) -> str:
    """Validate a GTIN-8 and return it left-padded to 14 digits."""
    return validate(value).zfill(14)


def format(value: str) -> str:
    """The GTIN-8 as printed under an EAN-8 bar code: two groups of four."""
    number = compact(value)
    return f"{number[:4]} {number[4:]}"
