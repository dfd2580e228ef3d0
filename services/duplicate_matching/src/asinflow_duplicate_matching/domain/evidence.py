"""Evidence a seller can read: per record field, what each side says, whether they agree, and how much
that field moved the score (in log-odds; positive = towards "same product")."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from asinflow_duplicate_matching.domain.features import FEATURE_FIELDS, FEATURES, Prepared, best_codes

FIELDS: tuple[str, ...] = tuple(dict.fromkeys(FEATURE_FIELDS.values()))
_FIELD_FEATURES: dict[str, list[tuple[int, str]]] = {
    f: [(i, n) for i, n in enumerate(FEATURES) if FEATURE_FIELDS[n] == f] for f in FIELDS
}
TITLE_AGREES_FROM = 0.75  # most of one title's (IDF-weighted) words are in the other
PRICE_AGREES_WITHIN = math.log(1.5)  # prices within 50% of each other


def build_evidence(
    a: Prepared, b: Prepared, values: Sequence[float | None], contributions: Sequence[float]
) -> dict[str, dict[str, Any]]:
    """``{field: {"a", "b", "agrees", "contribution", "features": {name: {"value", "contribution"}}}}``.

    ``agrees`` is True or False when both sides say something comparable, None when one is silent.
    Contributions are in log-odds; a field's is the sum of its features', rounded to 4 decimals.
    """
    value = dict(zip(FEATURES, values, strict=True))
    out: dict[str, dict[str, Any]] = {}
    for field, members in _FIELD_FEATURES.items():
        shown_a, shown_b = _shown(field, a, b)
        out[field] = {
            "a": shown_a,
            "b": shown_b,
            "agrees": _agrees(field, value),
            "contribution": round(math.fsum(contributions[i] for i, _ in members), 4),
            "features": {n: {"value": values[i], "contribution": contributions[i]} for i, n in members},
        }
    return out


def _shown(field: str, a: Prepared, b: Prepared) -> tuple[Any, Any]:
    if field == "title":
        return a.product.title, b.product.title
    if field == "model_number":
        return best_codes(a, b)
    if field == "brand":
        return a.product.brand, b.product.brand
    if field == "numbers":
        return " ".join(sorted(a.numbers | a.digit_words)), " ".join(sorted(b.numbers | b.digit_words))
    if field == "price":
        return a.product.price, b.product.price
    if field == "category":
        return a.product.category, b.product.category
    return " ".join(sorted(a.colours)), " ".join(sorted(b.colours))


def _agrees(field: str, v: Mapping[str, float | None]) -> bool | None:
    if field == "title":
        return bool((v["title_soft_containment_max"] or 0.0) >= TITLE_AGREES_FROM)
    if field == "model_number":
        if v["model_number_in_other_text"] == 1.0 or v["model_number_shared"] == 1.0:
            return True
        if v["model_number_conflict"] == 1.0 or v["model_number_exact"] == 0.0:
            return False
        return None
    if field == "brand":
        if v["brand_explicit_agree"] is not None:
            return v["brand_explicit_agree"] == 1.0
        return True if v["brand_in_other_title"] == 1.0 else None
    if field == "numbers":  # one side's numbers all found in the other, and no measure differs
        if v["measures_agree"] == 0.0:
            return False
        return None if v["numbers_shared"] is None else v["numbers_shared"] == 1.0
    if field == "price":
        ratio = v["price_log_ratio"]
        return None if ratio is None else ratio <= PRICE_AGREES_WITHIN
    if field == "category":
        return None if v["category_jaccard"] is None else v["category_jaccard"] > 0.0
    return None if v["colours_agree"] is None else v["colours_agree"] == 1.0
