"""GTIN exemptions (interim home until the brand-registry service owns them): brand or brand + SKU."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


def brand_key(brand: str) -> str:
    """A simple comparison key for brand names: NFKC, case-fold, accents and non-alphanumerics dropped;
    letters of every script are kept. (The brand-gating service will own the full normalisation with
    confusables and legal suffixes.)"""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", brand).casefold())
    return "".join(ch for ch in text if ch.isalnum() and not unicodedata.combining(ch))


@dataclass(frozen=True)
class Exemption:
    exemption_id: str
    brand: str
    sku: str | None = None
    seller_id: str | None = None

    def covers(self, brand: str, seller_id: str, sku: str) -> bool:
        key = brand_key(brand)
        if not key or brand_key(self.brand) != key:
            return False
        if self.sku is not None and self.sku != sku:
            return False
        return self.seller_id is None or self.seller_id == seller_id

    def scope(self) -> str:
        if self.sku is None:
            return f"brand {self.brand!r}"
        return f"brand {self.brand!r}, SKU {self.sku!r}"
