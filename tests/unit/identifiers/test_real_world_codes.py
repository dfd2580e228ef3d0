"""Real-world-looking codes (real_world_codes.csv) through check(), as `asinflow id check` runs them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from asinflow_identifier_validation.domain.identifiers import IdentifierError, check

pytestmark = pytest.mark.unit

CODES = Path(__file__).with_name("real_world_codes.csv")


def _rows() -> list[dict[str, str]]:
    with CODES.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


ROWS = _rows()


def test_the_table_is_large_and_covers_every_kind_and_code() -> None:
    assert len(ROWS) >= 60
    kinds = {row["kind"] for row in ROWS if row["valid"] == "true"}
    assert kinds == {
        "GTIN-8",
        "UPC-A",
        "UPC-E",
        "EAN-13",
        "JAN",
        "ISBN-10",
        "ISBN-13",
        "ISSN",
        "ISMN",
        "GTIN-14",
    }
    codes = {row["error_code"] for row in ROWS if row["valid"] == "false"}
    assert codes == {
        "IDENTIFIER_INVALID_CHECKSUM",
        "IDENTIFIER_INVALID_FORMAT",
        "IDENTIFIER_NON_TRADE_PREFIX",
    }


@pytest.mark.parametrize("row", ROWS, ids=[row["input"] for row in ROWS])
def test_real_world_code(row: dict[str, str]) -> None:
    if row["valid"] == "true":
        checked = check(row["input"])
        assert (checked.kind, checked.gtin14) == (row["kind"], row["gtin14"])
    else:
        with pytest.raises(IdentifierError) as raised:
            check(row["input"])
        assert raised.value.code == row["error_code"]
