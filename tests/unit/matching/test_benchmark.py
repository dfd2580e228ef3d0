"""The shipped model on the Walmart-Amazon test split (the shared benchmark data beside the repo)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from asinflow_duplicate_matching.domain.magellan import MagellanDataset
from asinflow_duplicate_matching.domain.matcher import Matcher
from asinflow_duplicate_matching.domain.training import evaluate

WALMART_AMAZON = Path(__file__).parents[3].parent / "shared/data/walmart_amazon"
pytestmark = [
    pytest.mark.unit,
    pytest.mark.skipif(not (WALMART_AMAZON / "test.csv").is_file(), reason="benchmark data not beside the repo"),
]

MAGELLAN_F1 = 0.719  # Mudgal et al., SIGMOD 2018


def test_default_model_beats_magellan_on_walmart_amazon_test() -> None:
    result = evaluate(Matcher.default(), WALMART_AMAZON, "test.csv")
    assert result["pairs"] == 2049
    assert result["f1"] > MAGELLAN_F1


def test_default_model_does_not_match_unrelated_products() -> None:
    """The benchmark's negatives are all near misses; random pairs must not look like matches."""
    data = MagellanDataset.load(WALMART_AMAZON)
    test = data.pairs("test.csv")
    matches = {(p.left, p.right) for p in test if p.label == 1}
    rng = random.Random(0)
    lefts, rights = sorted({p.left for p in test}), sorted({p.right for p in test})
    pairs = [(rng.choice(lefts), rng.choice(rights)) for _ in range(500)]
    matcher = Matcher.default()
    prepared = [(matcher.prepare(data.left[a]), matcher.prepare(data.right[b])) for a, b in set(pairs) - matches]
    false_matches = int((matcher.probabilities(prepared) >= matcher.threshold).sum())
    assert false_matches <= len(prepared) // 100
