"""GTIN-14: an indicator digit, the 12 digits of the contained item's 13-digit view, a check digit.

The indicator digit names the packaging level: 0 is the item itself (the GTIN-14 of a GTIN-8/12/13
is that GTIN left-padded with zeros), 1-8 are packaging levels (cases, trays) with their own check
digit, and 9 is a *variable measure* trade item, whose quantity (a weight, a length) travels beside
the code. A variable measure item has no fixed content, so it cannot be one catalog product with one
price: indicator 9 is rejected as ``NonTradePrefix`` (prefix ``9``). The GS1 prefix is read on
digits 2-14 (see ``gs1_prefix``).

>>> validate("1 00 12345 67890 2")
'10012345678902'
>>> format("10012345678902")
'1 00 12345 67890 2'
"""

from __future__ import annotations

from . import gs1_prefix
from ._util import clean, require_check_digit, require_digits, require_length, shown
from .exceptions import IdentifierError, NonTradePrefix

LABEL = "GTIN-14"
LENGTH = 14
VARIABLE_MEASURE = "9"
_VARIABLE_MEASURE_REASON = "variable measure trade item (indicator digit 9), which has no fixed content"


def compact(value: str) -> str:
    """Strip surrounding whitespace and separators."""
    return clean(value)


def validate(value: str) -> str:
    """Return the compact GTIN-14, or raise an IdentifierError.

    Format → length → checksum → indicator digit (not 9) → GS1 prefix of digits 2-14.
    """
    number = compact(value)
    require_digits(number, LABEL)
    require_length(number, (LENGTH,), LABEL)
    require_check_digit(number, LABEL)
    if number[0] == VARIABLE_MEASURE:
        raise NonTradePrefix(
            f"The {LABEL} {shown(number)} is a {_VARIABLE_MEASURE_REASON}; it does not identify a product.",
            prefix=VARIABLE_MEASURE,
            reason=_VARIABLE_MEASURE_REASON,
        )
    gs1_prefix.validate(number, LABEL, number)
    return number


def is_valid(value: str) -> bool:
    """Whether ``value`` is a valid GTIN-14 of a trade item."""
    try:
        return bool(validate(value))
    except IdentifierError:
        return False


def to_gtin14(value: str) -> str:
    """Validate a GTIN-14 and return it compact."""
    return validate(value)


def format(value: str) -> str:
    """The GTIN-14 as printed under an ITF-14 bar code: 1, 2, 5, 5, 1 digits."""
    number = compact(value)
    return f"{number[0]} {number[1:3]} {number[3:8]} {number[8:13]} {number[13]}"
