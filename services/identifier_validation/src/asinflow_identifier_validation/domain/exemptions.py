"""GTIN exemptions that proposals cite: brand or brand + SKU (or a seller's SKU).

The brand-gating service owns the registry they belong to; this service keeps its own copy, built from
the registry's events (``brand.exemption.granted`` / ``revoked``), so that it never reads another
service's tables. Brands compare on the registry's normalised key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

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


@dataclass(frozen=True)
class ExemptionRecord:
    """This service's copy of one exemption: granted (``active``) or revoked, and when the registry did it."""

    exemption: Exemption
    active: bool
    changed_at: datetime


def apply_changes(
    copy: Mapping[str, ExemptionRecord], changes: Sequence[ExemptionRecord]
) -> tuple[dict[str, ExemptionRecord], list[ExemptionRecord]]:
    """The copy after these grants and revocations, and the records that changed. Grants and revocations
    arrive on two topics, in any order: the one made last wins (of two made at the same time, the first)."""
    after = dict(copy)
    changed: dict[str, ExemptionRecord] = {}
    for change in sorted(changes, key=lambda c: c.changed_at):
        exemption_id = change.exemption.exemption_id
        current = after.get(exemption_id)
        if current is None or current.changed_at < change.changed_at:
            after[exemption_id] = changed[exemption_id] = change
    return after, list(changed.values())


def active(copy: Mapping[str, ExemptionRecord]) -> dict[str, Exemption]:
    return {exemption_id: r.exemption for exemption_id, r in copy.items() if r.active}
