"""Helpers shared by the identifier modules: cleaning, and the format, length and checksum stages.

Separators. ``clean()`` removes surrounding whitespace (any Unicode whitespace, as a line read from a
file or pasted from a web page may carry) and, anywhere in the value, the separators people print
between digit groups:

* ASCII space and hyphen-minus ``-`` (what python-stdnum's GTIN modules strip);
* the no-break spaces U+00A0, U+202F and the thin space U+2009 (copied from web pages and word
  processors);
* the dashes U+2010 HYPHEN, U+2011 NON-BREAKING HYPHEN, U+2012 FIGURE DASH and U+2013 EN DASH
  (word processors turn hyphens in "978-0-306-40615-7" into these).

Nothing else is removed: dots, slashes, underscores, em dashes, zero-width characters and every
non-ASCII digit (full-width '３', Arabic-Indic '٣', superscript '²') make the value ``InvalidFormat``.
Digits are matched with the regular expression ``[0-9]``, never ``str.isdigit``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from stdnum import ean as _stdnum_ean

from .exceptions import InvalidChecksum, InvalidFormat, InvalidLength

SEPARATORS = " -\u00a0\u2009\u202f\u2010\u2011\u2012\u2013"
_REMOVE_SEPARATORS = str.maketrans("", "", SEPARATORS)
_DIGITS = re.compile(r"[0-9]+")
_SHOWN_MAX = 32


def clean(value: object) -> str:
    """Strip surrounding whitespace and the accepted separators; do not check what remains."""
    if not isinstance(value, str):
        raise InvalidFormat(f"An identifier must be text, not {type(value).__name__}.")
    return value.strip().translate(_REMOVE_SEPARATORS)


def shown(number: str) -> str:
    """The number as quoted in a message, cut short when it is long."""
    if len(number) > _SHOWN_MAX:
        number = number[:_SHOWN_MAX] + "…"
    return repr(number)


def describe_char(char: str) -> str:
    """A readable description of one character that is not allowed."""
    if char.isascii() and char.isalpha():
        return f"the letter {char!r}"
    name = unicodedata.name(char, f"U+{ord(char):04X}")
    if unicodedata.category(char) == "Nd" or unicodedata.numeric(char, None) is not None:
        return f"{char!r} ({name}), which is not an ASCII digit 0-9"
    return f"{char!r} ({name})"


def require_digits(number: str, label: str) -> None:
    """Format stage: the number is not empty and holds ASCII digits 0-9 only."""
    if not number:
        raise InvalidFormat(f"The {label} is empty.")
    if _DIGITS.fullmatch(number) is None:
        bad = next(char for char in number if not ("0" <= char <= "9"))
        raise InvalidFormat(f"The {label} {shown(number)} contains {describe_char(bad)}.")


def require_length(number: str, lengths: Collection[int], label: str, expected: str = "") -> None:
    """Length stage: the number has one of ``lengths`` characters."""
    if len(number) not in lengths:
        if not expected:
            *rest, last = (str(length) for length in sorted(lengths))
            expected = f"{', '.join(rest)} or {last}" if rest else last
            expected += " digits"
        article = "an" if label[:1] in "AEIOaeio" else "a"
        raise InvalidLength(f"{article.capitalize()} {label} must have {expected}; {shown(number)} has {len(number)}.")


def calc_check_digit(payload: str) -> str:
    """The GS1 modulo-10 check digit (python-stdnum's EAN check digit) of the digits before it."""
    return str(_stdnum_ean.calc_check_digit(payload))


def require_check_digit(number: str, label: str, payload: str | None = None) -> None:
    """Checksum stage: the last digit is the GS1 check digit of ``payload`` (default: the other digits)."""
    expected = calc_check_digit(number[:-1] if payload is None else payload)
    if number[-1] != expected:
        raise InvalidChecksum(
            f"The check digit of the {label} {shown(number)} is {number[-1]}; it should be {expected}."
        )
