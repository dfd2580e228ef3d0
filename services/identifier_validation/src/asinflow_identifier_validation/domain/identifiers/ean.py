"""EAN-13 (GTIN-13), including JAN and the Bookland, ISSN and ISMN forms.

Thirteen digits, the last a GS1 check digit (python-stdnum's ``ean``). What a valid EAN-13 is, is
read from its prefix by :func:`kind`: ``JAN`` (GS1 Japan, 45 and 49), ``ISSN`` (977),
``ISMN`` (979-0), ``ISBN-13`` (978, other 979) or plain ``EAN-13``. An EAN-13 starting with 0 is a
UPC-A written with a leading zero; it keeps the kind ``EAN-13`` (the form the seller gave).

>>> validate("4 006381 333931")
'4006381333931'
>>> kind("4901234567894")
'JAN'
>>> format("4006381333931")
'4 006381 333931'
"""

from __future__ import annotations

from . import gs1_prefix
from ._util import clean, require_check_digit, require_digits, require_length
from .exceptions import IdentifierError

LABEL = "EAN-13"
LENGTH = 13
JAN_PREFIXES = ("45", "49")


def compact(value: str) -> str:
    """Strip surrounding whitespace and separators."""
    return clean(value)


def validate(value: str) -> str:
    """Return the compact EAN-13, or raise an IdentifierError (format → length → checksum → prefix)."""
    number = compact(value)
    require_digits(number, LABEL)
    require_length(number, (LENGTH,), LABEL)
    require_check_digit(number, LABEL)
    gs1_prefix.validate(number.zfill(14), LABEL, number)
    return number


def is_valid(value: str) -> bool:
    """Whether ``value`` is a valid EAN-13 of a trade item."""
    try:
        return bool(validate(value))
    except IdentifierError:
        return False


def is_jan(value: str) -> bool:
    """Whether a (compact, valid) EAN-13 or GTIN-8 carries a GS1 Japan prefix (45, 49)."""
    return compact(value).startswith(JAN_PREFIXES)


def kind(value: str) -> str:
    """The kind of a compact, valid EAN-13: JAN, ISSN, ISMN, ISBN-13 or EAN-13."""
    number = compact(value)
    if number.startswith("977"):
        return "ISSN"
    if number.startswith("9790"):
        return "ISMN"
    if number.startswith(("978", "979")):
        return "ISBN-13"
    if is_jan(number):
        return "JAN"
    return "EAN-13"


def to_gtin14(value: str) -> str:
    """Validate an EAN-13 and return it left-padded to 14 digits."""
    return validate(value).zfill(14)


def format(value: str) -> str:
    """The EAN-13 as printed under its bar code: 1, 6, 6 digits."""
    number = compact(value)
    return f"{number[0]} {number[1:7]} {number[7:]}"
