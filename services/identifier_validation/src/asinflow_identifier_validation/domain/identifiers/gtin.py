"""GTIN of any length: GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN-13) or GTIN-14, stored as GTIN-14.

``validate`` checks format and length itself, then hands the number to the module of its length,
so each length keeps its own rules (the GS1-8 prefix table, the GTIN-14 indicator digit).
UPC-E and ISBN-10 are not GTINs (they must be converted first; see ``upce`` and ``isbn``).

>>> validate("4006381333931")
'4006381333931'
>>> to_gtin14("036000291452")
'00036000291452'
"""

from __future__ import annotations

from collections.abc import Callable

from . import ean, gtin8, gtin14, upc
from ._util import clean, require_digits, require_length
from .exceptions import IdentifierError

LABEL = "GTIN"
_BY_LENGTH: dict[int, Callable[[str], str]] = {
    8: gtin8.validate,
    12: upc.validate,
    13: ean.validate,
    14: gtin14.validate,
}
_FORMAT_BY_LENGTH: dict[int, Callable[[str], str]] = {
    8: gtin8.format,
    12: upc.format,
    13: ean.format,
    14: gtin14.format,
}


def compact(value: str) -> str:
    """Strip surrounding whitespace and separators."""
    return clean(value)


def validate(value: str) -> str:
    """Return the compact GTIN, or raise an IdentifierError (format → length → checksum → prefix)."""
    number = compact(value)
    require_digits(number, LABEL)
    require_length(number, _BY_LENGTH, LABEL)
    return _BY_LENGTH[len(number)](number)


def is_valid(value: str) -> bool:
    """Whether ``value`` is a valid GTIN of a trade item."""
    try:
        return bool(validate(value))
    except IdentifierError:
        return False


def to_gtin14(value: str) -> str:
    """Validate a GTIN and return it left-padded to 14 digits."""
    return validate(value).zfill(14)


def format(value: str) -> str:
    """The GTIN grouped as under its bar code (EAN-8, UPC-A, EAN-13 or ITF-14)."""
    number = compact(value)
    formatter = _FORMAT_BY_LENGTH.get(len(number))
    return formatter(number) if formatter else number
