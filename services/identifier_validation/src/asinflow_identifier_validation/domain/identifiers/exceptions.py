"""The exceptions raised by the identifier rules.

The tree follows python-stdnum (every error is a ``ValueError``) and adds the stable ``code`` the
service puts on the listing's issue (DESIGN §6 "Issues and rejections")::

    IdentifierError(ValueError)                     (abstract, never raised itself)
    ├── InvalidFormat          IDENTIFIER_INVALID_FORMAT    letters, non-ASCII digits, bad separators
    │   ├── InvalidLength      IDENTIFIER_INVALID_FORMAT    wrong number of digits (for the declared type)
    │   └── WrongType          IDENTIFIER_INVALID_FORMAT    well-formed, but not of the declared type
    ├── InvalidChecksum        IDENTIFIER_INVALID_CHECKSUM  the check digit does not match
    └── InvalidComponent       IDENTIFIER_INVALID_FORMAT    a part of the number refers to nothing valid
        └── NonTradePrefix     IDENTIFIER_NON_TRADE_PREFIX  GS1 prefix of a non-trade number (RCN, coupon...)

Validation runs format → length → checksum → component, so a code that is wrong in several ways
reports the earliest failure.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "IdentifierError",
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "NonTradePrefix",
    "WrongType",
]


class IdentifierError(ValueError):
    """Base of every identifier validation error: a stable ``code`` and a human ``message``."""

    code: ClassVar[str] = "IDENTIFIER_INVALID_FORMAT"
    default_message: ClassVar[str] = "The identifier is invalid."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class InvalidFormat(IdentifierError):
    """Characters that are not ASCII digits or accepted separators."""

    code = "IDENTIFIER_INVALID_FORMAT"
    default_message = "The identifier may contain only the digits 0-9, spaces and hyphens."


class InvalidLength(InvalidFormat):
    """The number of digits does not fit the identifier type."""

    default_message = "The identifier has an invalid length."


class WrongType(InvalidFormat):
    """A well-formed number that is not of the declared identifier type (say, an EAN declared as ISBN)."""

    default_message = "The identifier is not of the declared type."


class InvalidChecksum(IdentifierError):
    """The check digit does not match the other digits."""

    code = "IDENTIFIER_INVALID_CHECKSUM"
    default_message = "The identifier's check digit is wrong."


class InvalidComponent(IdentifierError):
    """A part of the number (number system, indicator digit, prefix) is not valid for a product."""

    code = "IDENTIFIER_INVALID_FORMAT"
    default_message = "A part of the identifier is invalid."


class NonTradePrefix(InvalidComponent):
    """A GS1 prefix reserved for numbers that are not trade items (in-store, coupon, refund...)."""

    code = "IDENTIFIER_NON_TRADE_PREFIX"
    default_message = "The identifier's GS1 prefix is not used for trade items."

    def __init__(self, message: str | None = None, *, prefix: str = "", reason: str = "") -> None:
        self.prefix = prefix
        self.reason = reason
        super().__init__(message)
