"""The Kafka key of a brand-registry event: its brand's normalised key, "-" when nothing is left of it (a name made
only of a legal suffix or punctuation). ``asinflow brand``, the registry file and the listings API key them so."""

from __future__ import annotations

from asinflow_brands.normalise import brand_key


def registry_message_key(brand: str) -> str:
    return brand_key(brand) or "-"
