"""ISBN-10 and ISBN-13, normalised to the GTIN-14 of their Bookland EAN (978/979).

An ISBN-10 (nine digits and a modulo-11 check character, 0-9 or X) becomes ``978`` + its nine
digits + a new GS1 check digit; an ISBN-13 is an EAN-13 starting with 978 or 979 (979-0 is the
ISMN range for printed music, still an ISBN-13 form). Check digits come from python-stdnum. The old
9-digit SBN is not accepted (python-stdnum pads it to ten; a seller's 9-digit code is more likely
a typo).

>>> validate("0-306-40615-2")
'0306406152'
>>> to_gtin14("0-306-40615-2")
'09780306406157'
>>> format("9780306406157")
'978-0-306-40615-7'
"""

from __future__ import annotations

from stdnum import isbn as _stdnum_isbn

from . import gs1_prefix
from ._util import clean, require_check_digit, require_digits, require_length, shown
from .exceptions import IdentifierError, InvalidChecksum, InvalidComponent

LABEL = "ISBN"
BOOKLAND = ("978", "979")


def compact(value: str) -> str:
    """Strip surrounding whitespace and separators; upper-case a trailing ISBN-10 check character x."""
    number = clean(value)
    if number.endswith("x"):
        number = number[:-1] + "X"
    return number


def _isbn10_check_digit(number: str) -> str:
    """The modulo-11 check character of an ISBN-10, computed by python-stdnum's conversions."""
    return str(_stdnum_isbn.to_isbn10(_stdnum_isbn.to_isbn13(number[:9] + "0"))[-1])


def validate(value: str) -> str:
    """Return the compact ISBN-10 or ISBN-13, or raise an IdentifierError.

    Format (digits, and X only as the last character) → length (10 or 13) → check digit →
    component (an ISBN-13 starts with 978 or 979).
    """
    number = compact(value)
    require_digits(number[:-1] if number.endswith("X") else number, LABEL)
    require_length(number, (10, 13), LABEL, "10 characters (ISBN-10) or 13 digits (ISBN-13)")
    if len(number) == 10:
        expected = _isbn10_check_digit(number)
        if number[-1] != expected:
            raise InvalidChecksum(
                f"The check digit of the ISBN-10 {shown(number)} is {number[-1]}; it should be {expected}."
            )
        return number
    require_digits(number, "ISBN-13")  # an X is an ISBN-10 check character only
    require_check_digit(number, "ISBN-13")
    if not number.startswith(BOOKLAND):
        raise InvalidComponent(
            f"An ISBN-13 starts with 978 or 979; {shown(number)} starts with {number[:3]}: not an ISBN."
        )
    gs1_prefix.validate(number.zfill(14), "ISBN-13", number)
    return number


def is_valid(value: str) -> bool:
    """Whether ``value`` is a valid ISBN-10 or ISBN-13."""
    try:
        return bool(validate(value))
    except IdentifierError:
        return False


def to_isbn13(value: str) -> str:
    """Validate an ISBN and return its compact ISBN-13 (978 + ISBN-10 body for an ISBN-10)."""
    number = validate(value)
    return number if len(number) == 13 else str(_stdnum_isbn.to_isbn13(number))


def to_gtin14(value: str) -> str:
    """Validate an ISBN and return the GTIN-14 of its ISBN-13."""
    return to_isbn13(value).zfill(14)


def format(value: str) -> str:
    """The ISBN hyphenated by python-stdnum's range table (978-0-306-40615-7, 0-306-40615-2)."""
    return str(_stdnum_isbn.format(compact(value)))
