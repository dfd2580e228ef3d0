"""GTIN exemptions that proposals cite: brand or brand + SKU (or a seller's SKU).

The brand-gating service owns the registry they belong to; this service keeps its own copy, built from
the registry's events (``brand.exemption.granted`` / ``revoked``), so that it never reads another
service's tables. Brands compare on the registry's normalised key.
"""

from __future__ import annotations

from dataclasses import dataclass

from asinflow_brands import brand_key


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
