"""Pair features: what two product records have in common, as numbers a model can weigh.

A record is prepared once (tokens, TF-IDF vector, model numbers, measures ...) so that comparing it
with many candidates costs only the pair features. A feature is ``None`` when the evidence is absent
(a side has no price, no model number ...), so that absence is never read as agreement or conflict.
Sums over sets use ``math.fsum``: exact, so features do not depend on the order of set iteration
(string hashing changes it from one process to the next).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from asinflow_duplicate_matching.domain.normalise import (
    colours_in,
    has_digit,
    measures_in,
    model_numbers_in,
    normalise_brand,
    normalise_model_number,
    numbers_in,
    squash,
    words,
)
from asinflow_duplicate_matching.domain.product import Product

MAX_PRICE_LOG_RATIO = 3.0

# Feature name -> the record field it is evidence about (the order is the model's column order).
FEATURE_FIELDS: dict[str, str] = {
    "title_tfidf_cosine": "title",
    "title_jaccard": "title",
    "title_token_set_ratio": "title",
    "title_token_sort_ratio": "title",
    "title_partial_ratio": "title",
    "title_containment_min": "title",
    "title_containment_max": "title",
    "title_length_ratio": "title",
    "title_soft_containment_min": "title",
    "title_soft_containment_max": "title",
    "title_unmatched_rare_word": "title",
    "model_number_exact": "model_number",
    "model_number_shared": "model_number",
    "model_number_in_other_text": "model_number",
    "model_number_similarity": "model_number",
    "model_number_conflict": "model_number",
    "brand_explicit_agree": "brand",
    "brand_in_other_title": "brand",
    "title_head_agree": "brand",
    "numbers_shared": "numbers",
    "numbers_unmatched": "numbers",
    "numbers_conflict": "numbers",
    "measures_agree": "numbers",
    "price_log_ratio": "price",
    "category_jaccard": "category",
    "colours_agree": "colour",
}
FEATURES: tuple[str, ...] = tuple(FEATURE_FIELDS)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A record with everything the pair features need computed once."""

    product: Product
    text: str  # title words joined by one space
    tokens: frozenset[str]
    vector: Mapping[str, float]  # L2-normalised TF-IDF of the title words
    weights: Mapping[str, float]  # IDF of each title word
    weight_total: float
    squashed: str  # alphanumerics of the title and model number, upper-case
    model: str  # explicit model number, normalised
    codes: frozenset[str]  # explicit model number and those found in the title
    numbers: frozenset[str]
    measures: frozenset[str]
    colours: frozenset[str]
    brand: str  # normalised explicit brand, "" when none
    head: str  # first title word: often the brand
    category: frozenset[str]
    price: float | None
    lowered: str  # alphanumerics of the brand and title, lower-case, no spaces
    digit_words: frozenset[str]  # words with a digit that are not model numbers ("2007", "cs3", "4.0")


def prepare(product: Product, idf: Mapping[str, float], default_idf: float) -> Prepared:
    title_words = words(product.title)
    tokens = frozenset(title_words)
    weights = {t: idf.get(t, default_idf) for t in tokens}
    counts: dict[str, int] = {}
    for w in title_words:
        counts[w] = counts.get(w, 0) + 1
    raw = {t: (1.0 + math.log(c)) * weights[t] for t, c in counts.items()}
    norm = math.sqrt(math.fsum(v * v for v in raw.values())) or 1.0
    model = normalise_model_number(product.model_number)
    codes = set(model_numbers_in(product.title))
    if len(model) >= 3:
        codes.add(model)
    return Prepared(
        product=product,
        text=" ".join(title_words),
        tokens=tokens,
        vector={t: v / norm for t, v in raw.items()},
        weights=weights,
        weight_total=math.fsum(weights.values()),
        squashed=squash(f"{product.title} {product.model_number}"),
        model=model,
        codes=frozenset(codes),
        numbers=numbers_in(product.title),
        measures=measures_in(product.title),
        colours=colours_in(product.title),
        brand=normalise_brand(product.brand),
        head=title_words[0] if title_words else "",
        category=frozenset(words(product.category)),
        price=product.price,
        lowered=squash(f"{product.brand} {product.title}").lower(),
        digit_words=frozenset(_digit_word(w) for w in tokens if has_digit(w) and w.upper() not in codes),
    )


def _digit_word(word: str) -> str:
    """Numbers compare by value ("4.0" is "4"); other words with digits as they are ("cs3")."""
    if word[0].isdigit() and word.replace(".", "").isdigit():
        return word.rstrip("0").rstrip(".") if "." in word else word
    return word


def pair_features(a: Prepared, b: Prepared) -> tuple[float | None, ...]:
    """The features of a pair, in the order of ``FEATURES``; symmetric in ``a`` and ``b``."""
    shared = a.tokens & b.tokens
    cosine = math.fsum(a.vector[t] * b.vector[t] for t in shared)
    union = len(a.tokens) + len(b.tokens) - len(shared)
    shared_weight = math.fsum(a.weights[t] for t in shared)
    contain_a = shared_weight / a.weight_total if a.weight_total else 0.0
    contain_b = shared_weight / b.weight_total if b.weight_total else 0.0
    shorter, longer = sorted((len(a.tokens), len(b.tokens)))
    return (
        cosine,
        len(shared) / union if union else 0.0,
        fuzz.token_set_ratio(a.text, b.text) / 100.0,
        fuzz.token_sort_ratio(a.text, b.text) / 100.0,
        fuzz.partial_ratio(a.text, b.text) / 100.0,
        min(contain_a, contain_b),
        max(contain_a, contain_b),
        shorter / longer if longer else 0.0,
        *_soft_title(a, b, shared_weight),
        *_model_number_features(a, b),
        *_brand_features(a, b),
        _overlap(a.numbers, b.numbers),
        _unmatched_digit_words(a, b),
        _digit_words_conflict(a, b),
        _measures_agree(a.measures, b.measures),
        _price_log_ratio(a.price, b.price),
        len(a.category & b.category) / len(a.category | b.category) if a.category and b.category else None,
        (1.0 if a.colours & b.colours else 0.0) if a.colours and b.colours else None,
    )


def _soft_title(a: Prepared, b: Prepared, shared_weight: float) -> tuple[float, float, float]:
    """Containment where a word counts as found anywhere in the other's letters ("word perfect"),
    and the IDF of the rarest word found nowhere in the other title."""
    found_a, rare_a = _found_in(a.weights, a.tokens - b.tokens, b.lowered)
    found_b, rare_b = _found_in(b.weights, b.tokens - a.tokens, a.lowered)
    contain_a = (shared_weight + found_a) / a.weight_total if a.weight_total else 0.0
    contain_b = (shared_weight + found_b) / b.weight_total if b.weight_total else 0.0
    return min(contain_a, contain_b), max(contain_a, contain_b), max(rare_a, rare_b)


def _found_in(weights: Mapping[str, float], unshared: frozenset[str], letters: str) -> tuple[float, float]:
    found, rare = [], 0.0
    for t in unshared:
        if len(t) >= 3 and t in letters:
            found.append(weights[t])
        elif weights[t] > rare:
            rare = weights[t]
    return math.fsum(found), rare


def _unmatched_digit_words(a: Prepared, b: Prepared) -> float | None:
    """How many words with a digit ("2007", "cs3") one side has and the other lacks (at most 3)."""
    if not a.digit_words and not b.digit_words:
        return None
    missing = sum(1 for w in a.digit_words if w not in b.digit_words and w not in b.lowered) + sum(
        1 for w in b.digit_words if w not in a.digit_words and w not in a.lowered
    )
    return float(min(missing, 3))


def _digit_words_conflict(a: Prepared, b: Prepared) -> float | None:
    """1 when each side has a number or version the other lacks ("2007" / "2008", "cs3" / "cs4")."""
    if not a.digit_words or not b.digit_words:
        return None
    a_only = any(w not in b.digit_words and w not in b.lowered for w in a.digit_words)
    b_only = any(w not in a.digit_words and w not in a.lowered for w in b.digit_words)
    return 1.0 if a_only and b_only else 0.0


def best_codes(a: Prepared, b: Prepared) -> tuple[str, str]:
    """The model numbers to show for a pair: a shared one, else each side's own."""
    shared = sorted(sorted(a.codes & b.codes), key=len, reverse=True)
    if shared:
        return shared[0], shared[0]
    return a.model or _longest(a.codes), b.model or _longest(b.codes)


def _model_number_features(a: Prepared, b: Prepared) -> tuple[float | None, ...]:
    exact = (1.0 if a.model == b.model else 0.0) if a.model and b.model else None
    if not a.codes and not b.codes:
        return exact, None, None, None, None
    shared = 1.0 if a.codes & b.codes else 0.0
    in_text = 1.0 if _code_in(a.codes, b.squashed) or _code_in(b.codes, a.squashed) else 0.0
    if not a.codes or not b.codes:
        return exact, None, in_text, None, None
    similarity = max(Indel.normalized_similarity(x, y) for x in a.codes for y in b.codes)
    conflict = 0.0 if shared or in_text else 1.0
    return exact, shared, in_text, similarity, conflict


def _brand_features(a: Prepared, b: Prepared) -> tuple[float | None, ...]:
    explicit = None
    if a.brand and b.brand:
        explicit = 1.0 if _same_brand(a.brand, b.brand) else 0.0
    in_title = None
    if a.brand or b.brand:
        hits = [_brand_in(x.brand, y) for x, y in ((a, b), (b, a)) if x.brand]
        in_title = 1.0 if any(hits) else 0.0
    head = (1.0 if a.head == b.head else 0.0) if a.head and b.head else None
    return explicit, in_title, head


def _same_brand(x: str, y: str) -> bool:
    if x == y or x.replace(" ", "") == y.replace(" ", ""):
        return True
    return x.startswith(y + " ") or y.startswith(x + " ")


def _brand_in(brand: str, other: Prepared) -> bool:
    return f" {brand} " in f" {other.text} " or brand.split()[0] == other.head


def _code_in(codes: frozenset[str], squashed: str) -> bool:
    return any(len(c) >= 5 and c in squashed for c in codes)


def _overlap(x: frozenset[str], y: frozenset[str]) -> float | None:
    if not x or not y:
        return None
    return len(x & y) / min(len(x), len(y))


def _measures_agree(x: frozenset[str], y: frozenset[str]) -> float | None:
    """1 when they share a measure, 0 when they give different values of one unit, else None."""
    if not x or not y:
        return None
    if x & y:
        return 1.0
    units_x = {_unit(m) for m in x}
    return 0.0 if any(_unit(m) in units_x for m in y) else None


def _unit(measure: str) -> str:
    return measure.lstrip("0123456789.")


def _price_log_ratio(x: float | None, y: float | None) -> float | None:
    if x is None or y is None:
        return None
    return min(abs(math.log(x / y)), MAX_PRICE_LOG_RATIO)


def _longest(codes: frozenset[str]) -> str:
    return max(sorted(codes), key=len, default="")
