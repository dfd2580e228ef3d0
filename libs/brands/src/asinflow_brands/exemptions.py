"""The id of a GTIN exemption, derived from what it covers (the brand's key, the SKU, the seller), so that granting
the same exemption twice names the same one (``asinflow brand exempt`` and the listings API both use it)."""

from __future__ import annotations

import hashlib

from asinflow_brands.normalise import brand_key


def exemption_id(brand: str, sku: str | None, seller_id: str | None) -> str:
    digest = hashlib.sha256(f"{brand_key(brand)}|{sku or ''}|{seller_id or ''}".encode()).hexdigest()[:8]
    return f"EX-{digest.upper()}"
