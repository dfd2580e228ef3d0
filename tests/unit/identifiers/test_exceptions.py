"""The exception tree: ValueErrors with stable codes, as the service's issues need them."""

from __future__ import annotations

import pytest
from asinflow_identifier_validation.domain.identifiers import (
    IdentifierError,
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    NonTradePrefix,
    WrongType,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (InvalidFormat, "IDENTIFIER_INVALID_FORMAT"),
        (InvalidLength, "IDENTIFIER_INVALID_FORMAT"),
        (WrongType, "IDENTIFIER_INVALID_FORMAT"),
        (InvalidChecksum, "IDENTIFIER_INVALID_CHECKSUM"),
        (InvalidComponent, "IDENTIFIER_INVALID_FORMAT"),
        (NonTradePrefix, "IDENTIFIER_NON_TRADE_PREFIX"),
    ],
)
def test_every_error_is_a_value_error_with_a_code_and_a_message(error: type[IdentifierError], code: str) -> None:
    raised = error()
    assert isinstance(raised, ValueError)
    assert isinstance(raised, IdentifierError)
    assert raised.code == code
    assert str(raised) == raised.message
    assert raised.message


def test_a_given_message_is_kept() -> None:
    assert str(InvalidChecksum("check digit 3, expected 2")) == "check digit 3, expected 2"


def test_length_and_type_errors_are_format_errors_and_non_trade_is_a_component_error() -> None:
    assert issubclass(InvalidLength, InvalidFormat)
    assert issubclass(WrongType, InvalidFormat)
    assert issubclass(NonTradePrefix, InvalidComponent)
