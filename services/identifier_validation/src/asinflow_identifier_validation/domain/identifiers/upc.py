"""UPC-A (GTIN-12): 12 digits, the last a GS1 check digit; its 13-digit view is ``0`` + the 12 digits.

>>> validate("0 36000 29145 2")
'036000291452'
>>> to_gtin14("036000291452")
'00036000291452'
>>> format("036000291452")
'0 36000 29145 2'
"""

from __future__ import annotations

from . import gs1_prefix
from ._util import clean, require_check_digit, require_digits, require_length
from .exceptions import IdentifierError

LABEL = "UPC-A"
LENGTH = 12


def compact(value: str) -> str:
    """Strip surrounding whitespace and separators."""
    return clean(value)


def validate(value: str) -> str:
    """Return the compact UPC-A, or raise an IdentifierError (format → length → checksum → prefix)."""
    number = compact(value)
    require_digits(number, LABEL)
    require_length(number, (LENGTH,), LABEL)
    require_check_digit(number, LABEL)
    gs1_prefix.validate(number.zfill(14), LABEL, number)
    return number


def is_valid(value: str) -> bool:
    """Whether ``value`` is a valid UPC-A of a trade item."""
    try:
        return bool(validate(value))
    except IdentifierError:
        return False


def to_gtin14(value: str) -> str:
    """Validate a UPC-A and return it left-padded to 14 digits."""
    return validate(value).zfill(14)


def format(value: str) -> str:
    """The UPC-A as printed under its bar code: number system, 5, 5, check digit."""
    number = compact(value)
    return f"{number[0]} {number[1:6]} {number[6:11]} {number[11]}"
