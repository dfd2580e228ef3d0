"""The product record the matcher compares, and its reading from a Magellan-layout CSV row."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

# Column names seen in the public benchmarks (and our own feeds), first match wins.
TITLE_COLUMNS = ("title", "name", "item_name", "product_name")
BRAND_COLUMNS = ("brand", "manufacturer", "brand_name")
MODEL_COLUMNS = ("modelno", "model_number", "model_no", "model", "part_number", "partno", "mpn")
CATEGORY_COLUMNS = ("category", "product_type", "item_type")
PRICE_COLUMNS = ("price", "list_price")

_PRICE = re.compile(r"-?(?:\d[\d,]*(?:\.\d+)?|\.\d+)")


@dataclass(frozen=True)
class Product:
    """What the matcher knows about one product; every field but the title may be empty."""

    title: str
    brand: str = ""
    model_number: str = ""  # also the part number when there is no model number
    category: str = ""  # product type
    price: float | None = None  # None when unknown (0 and unparsable prices are unknown)

    @classmethod
    def from_row(cls, row: Mapping[str, str | None]) -> Product:
        """Read a Magellan CSV row: unknown columns are ignored and missing ones are empty."""
        lowered = {str(k).strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}

        def first(columns: tuple[str, ...]) -> str:
            return next((lowered[c] for c in columns if lowered.get(c)), "")

        return cls(
            title=first(TITLE_COLUMNS),
            brand=first(BRAND_COLUMNS),
            model_number=first(MODEL_COLUMNS),
            category=first(CATEGORY_COLUMNS),
            price=parse_price(first(PRICE_COLUMNS)),
        )


def parse_price(text: str | float | None) -> float | None:
    """Parse a price leniently ("$1,299.00", "12.99 USD", "0.0"); 0, negative or unreadable is None."""
    if text is None:
        return None
    if isinstance(text, float | int):
        value = float(text)
    else:
        found = _PRICE.search(text)
        if found is None:
            return None
        try:
            value = float(found.group().replace(",", ""))
        except ValueError:
            return None
    if not math.isfinite(value) or value <= 0:
        return None
    return value
