"""The identifier rules of the identifier-validation service (pure functions, no I/O).

One module per identifier family, in the manner of python-stdnum: ``compact``, ``validate``
(returns the compact value or raises), ``is_valid`` and ``format``; validation runs
format → length → checksum → component, and every error is an :class:`IdentifierError`
(a ``ValueError``) with a stable ``code`` and a human message. Check digits come from python-stdnum;
this package adds the GS1 prefix rules (:mod:`.gs1_prefix`), UPC-E expansion (:mod:`.upce`) and the
GTIN-14 normal form every identifier is stored as.

:func:`check` is what the service and ``asinflow id check`` call. How it reads a value:

* Separators: surrounding whitespace, ASCII spaces and hyphens, no-break and thin spaces and the
  dashes U+2010-U+2013 are removed (see :mod:`._util`); anything else but ASCII digits (and an
  ISBN-10's final X) is ``InvalidFormat``.
* ``declared_type`` (the proposal's identifier type) decides which lengths fit:

  ========  ==================================================================
  UPC       12 digits (UPC-A) or 8 digits (UPC-E, expanded to UPC-A)
  EAN, JAN  13 digits (EAN-13) or 8 digits (EAN-8 = GTIN-8)
  ISBN      ISBN-10, or a 13-digit ISBN-13 starting 978/979
  GTIN      8, 12, 13 or 14 digits
  None      auto-detect: 8 → GTIN-8 or UPC-E (below), 10 → ISBN-10, 12 → UPC-A,
            13 → EAN-13 (kind by prefix), 14 → GTIN-14
  ========  ==================================================================

  Any other length is ``InvalidLength`` naming the type.
* An 8-digit code without a declared type is a GTIN-8 if it is a valid GTIN-8 of a trade item,
  else a UPC-E if it is a valid UPC-E; when it is neither, the error of the reading that got
  further (checksum before prefix) is raised, the GTIN-8 reading winning a tie. A code that both
  readings accept is a GTIN-8: declare ``UPC`` to have it read as UPC-E.
* The kind of a 13-digit code comes from its prefix whatever the declared type: 977 ISSN,
  979-0 ISMN, 978/979 ISBN-13, 45/49 JAN (also for a GTIN-8), otherwise EAN-13. A 14-digit code
  is GTIN-14, even with indicator digit 0; indicator 9 (variable measure) is rejected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import ean, gs1_prefix, gtin, gtin8, gtin14, isbn, upc, upce
from ._util import clean, require_digits, require_length, shown
from .exceptions import (
    IdentifierError,
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    NonTradePrefix,
    WrongType,
)

__all__ = [
    "DECLARED_TYPES",
    "KINDS",
    "CheckedIdentifier",
    "IdentifierError",
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "NonTradePrefix",
    "WrongType",
    "check",
    "ean",
    "gs1_prefix",
    "gtin",
    "gtin8",
    "gtin14",
    "isbn",
    "to_gtin14",
    "upc",
    "upce",
]

KINDS = ("GTIN-8", "UPC-A", "UPC-E", "EAN-13", "JAN", "ISBN-10", "ISBN-13", "ISSN", "ISMN", "GTIN-14")
DECLARED_TYPES = ("UPC", "EAN", "JAN", "ISBN", "GTIN")


@dataclass(frozen=True)
class CheckedIdentifier:
    """A valid identifier: what was given, what it is, and its GTIN-14 normal form."""

    input: str
    kind: str
    gtin14: str


_Reading = tuple[str, str]  # (kind, gtin14)
_Reader = Callable[[str], _Reading]


def _read_gtin8(number: str) -> _Reading:
    number = gtin8.validate(number)
    return ("JAN" if ean.is_jan(number) else "GTIN-8"), number.zfill(14)


def _read_upca(number: str) -> _Reading:
    return "UPC-A", upc.to_gtin14(number)


def _read_upce(number: str) -> _Reading:
    return "UPC-E", upce.to_gtin14(number)


def _read_ean13(number: str) -> _Reading:
    number = ean.validate(number)
    return ean.kind(number), number.zfill(14)


def _read_isbn(number: str) -> _Reading:
    number = isbn.validate(number)
    return ("ISBN-10" if len(number) == 10 else ean.kind(number)), isbn.to_gtin14(number)


def _read_gtin14(number: str) -> _Reading:
    return "GTIN-14", gtin14.validate(number)


_STAGE = {InvalidFormat: 0, InvalidChecksum: 1, InvalidComponent: 2}


def _stage(error: IdentifierError) -> int:
    return next((rank for cls, rank in _STAGE.items() if isinstance(error, cls)), 0)


def _read_eight_digits(number: str) -> _Reading:
    """GTIN-8 if it is a valid one, else UPC-E if it is a valid one, else the further-reaching error."""
    try:
        return _read_gtin8(number)
    except IdentifierError as error:
        as_gtin8 = error
    if number[0] not in upce.NUMBER_SYSTEMS:
        raise as_gtin8
    try:
        return _read_upce(number)
    except IdentifierError as error:
        as_upce = error
    if isinstance(as_gtin8, InvalidChecksum) and isinstance(as_upce, InvalidChecksum):
        raise InvalidChecksum(
            f"The 8-digit code {shown(number)} is neither a GTIN-8 nor a UPC-E: {as_gtin8} {as_upce}"
        ) from None
    raise max((as_gtin8, as_upce), key=_stage) from None


@dataclass(frozen=True)
class _Rule:
    label: str
    readers: dict[int, _Reader]
    lengths: str


_EAN_OR_JAN: dict[int, _Reader] = {13: _read_ean13, 8: _read_gtin8}
_RULES: dict[str | None, _Rule] = {
    None: _Rule(
        "identifier",
        {8: _read_eight_digits, 10: _read_isbn, 12: _read_upca, 13: _read_ean13, 14: _read_gtin14},
        "8 digits (GTIN-8 or UPC-E), 10 (ISBN-10), 12 (UPC-A), 13 (EAN-13) or 14 (GTIN-14)",
    ),
    "UPC": _Rule("UPC", {12: _read_upca, 8: _read_upce}, "12 digits (UPC-A) or 8 digits (UPC-E)"),
    "EAN": _Rule("EAN", _EAN_OR_JAN, "13 digits (EAN-13) or 8 digits (EAN-8)"),
    "JAN": _Rule("JAN", _EAN_OR_JAN, "13 digits or 8 digits"),
    "ISBN": _Rule("ISBN", {10: _read_isbn, 13: _read_isbn}, "10 characters (ISBN-10) or 13 digits (ISBN-13)"),
    "GTIN": _Rule(
        "GTIN",
        {8: _read_gtin8, 12: _read_upca, 13: _read_ean13, 14: _read_gtin14},
        "8, 12, 13 or 14 digits",
    ),
}


def _rule(declared_type: str | None) -> _Rule:
    if declared_type is None:
        return _RULES[None]
    key = declared_type.strip().upper() if isinstance(declared_type, str) else declared_type
    rule = _RULES.get(key) if isinstance(key, str) else None
    if rule is None:
        expected = ", ".join(DECLARED_TYPES)
        raise WrongType(f"Unknown identifier type {shown(str(declared_type))}; expected one of {expected}.")
    return rule


def check(value: str, declared_type: str | None = None) -> CheckedIdentifier:
    """Validate an identifier and return it normalised to GTIN-14, or raise an IdentifierError.

    ``declared_type`` is the proposal's identifier type (``UPC``, ``EAN``, ``JAN``, ``ISBN``,
    ``GTIN``, any case) or None to auto-detect; a value that does not fit the declared type raises
    InvalidLength (or InvalidComponent for an ISBN-13 outside 978/979) naming the type.
    """
    rule = _rule(declared_type)
    number = clean(value)
    takes_isbn10 = 10 in rule.readers and rule.readers[10] is _read_isbn
    if takes_isbn10 and len(number) > 1 and number[-1] in ("x", "X"):
        number = number[:-1] + "X"
        require_digits(number[:-1], rule.label)
    else:
        require_digits(number, rule.label)
    require_length(number, rule.readers, rule.label, rule.lengths)
    kind, normal = rule.readers[len(number)](number)
    return CheckedIdentifier(input=value, kind=kind, gtin14=normal)


def to_gtin14(value: str, declared_type: str | None = None) -> str:
    """The GTIN-14 of a valid identifier (UPC-E expanded, ISBN-10 converted); raises like check()."""
    return check(value, declared_type).gtin14
