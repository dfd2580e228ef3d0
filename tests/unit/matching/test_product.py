"""Reading records from Magellan CSV rows: column aliases, missing columns, lenient prices."""

from __future__ import annotations

import pytest
from asinflow_duplicate_matching.domain.product import Product, parse_price

pytestmark = pytest.mark.unit


def test_walmart_amazon_row() -> None:
    row = {"id": "1", "title": "epson lamp elplp12", "category": "monitors", "brand": "epson",
           "modelno": "elplp12", "price": "438.84"}  # fmt: skip
    assert Product.from_row(row) == Product("epson lamp elplp12", "epson", "elplp12", "monitors", 438.84)


def test_abt_buy_row_name_is_the_title_and_unknown_columns_are_ignored() -> None:
    row = {"id": "0", "name": "sony turntable pslx350h", "description": "belt drive", "price": ""}
    assert Product.from_row(row) == Product(title="sony turntable pslx350h")


def test_amazon_google_row_manufacturer_is_the_brand() -> None:
    row = {"id": "0", "title": "learning quickbooks 2007", "manufacturer": "intuit", "price": "38.99"}
    assert Product.from_row(row) == Product("learning quickbooks 2007", brand="intuit", price=38.99)


@pytest.mark.parametrize("column", ["modelno", "model_number", "part_number", "Model_Number"])
def test_model_number_aliases(column: str) -> None:
    assert Product.from_row({"title": "x", column: "AB-123"}).model_number == "AB-123"


def test_model_number_wins_over_part_number() -> None:
    assert Product.from_row({"title": "x", "part_number": "P1", "model_number": "M1"}).model_number == "M1"


def test_product_type_is_the_category() -> None:
    assert Product.from_row({"title": "x", "product_type": "HEADPHONES"}).category == "HEADPHONES"


def test_missing_columns_are_empty() -> None:
    assert Product.from_row({}) == Product(title="")
    assert Product.from_row({"title": None, "brand": None, None: "extra"}) == Product(title="")  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("text", "price"),
    [
        ("12.99", 12.99),
        ("$12.99", 12.99),
        ("$1,299.00", 1299.0),
        ("12.99 USD", 12.99),
        (" 7 ", 7.0),
        (".5", 0.5),
        ("", None),
        ("0.0", None),
        ("0", None),
        ("-3", None),
        ("$-3.50", None),
        ("n/a", None),
        ("nan", None),
        (None, None),
        (19.5, 19.5),
        (0.0, None),
        (float("inf"), None),
    ],
)
def test_lenient_prices(text: str | float | None, price: float | None) -> None:
    assert parse_price(text) == price
