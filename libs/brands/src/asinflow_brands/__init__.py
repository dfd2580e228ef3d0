"""Brand names compared the way the brand registry compares them, so that a respelling cannot dodge a brand gate.

- :func:`brand_key` is the normalised key: Unicode NFKC, invisible characters dropped, look-alike characters
  (Cyrillic, Greek, full-width … via the Unicode TR39 confusables data of the ``disarm`` library) folded to the
  Latin letters they imitate, case-folded, accents stripped, other scripts transliterated, legal-form suffixes
  ("Inc.", "GmbH & Co. KG" …) dropped, spacing, punctuation and "&"/"and" dropped, "0"/"1" inside a word read
  as "o"/"l".
  Two names with the same key are the same brand. Steps and their order: :mod:`asinflow_brands.normalise`.
- :func:`near_miss` and :func:`closest` find names whose key is a typo or two from a registered key ("Sonny"
  for "Sony"): not gated, but flagged for review. Rule: :mod:`asinflow_brands.near_miss`.
- :func:`exemption_id` is the id of a GTIN exemption, derived from the brand's key, the SKU and the seller.

All functions are pure: no I/O, no state beyond a cache of per-character folds.
"""

from asinflow_brands.exemptions import exemption_id
from asinflow_brands.keys import registry_message_key
from asinflow_brands.near_miss import MIN_KEY_LENGTH, closest, near_miss
from asinflow_brands.normalise import brand_key
from asinflow_brands.suffixes import LEGAL_SUFFIXES

__all__ = [
    "LEGAL_SUFFIXES",
    "MIN_KEY_LENGTH",
    "brand_key",
    "closest",
    "exemption_id",
    "near_miss",
    "registry_message_key",
]
