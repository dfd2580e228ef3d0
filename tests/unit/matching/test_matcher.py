"""The shipped matcher: scores, evidence a seller can read, persistence."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from asinflow_duplicate_matching.domain.evidence import FIELDS
from asinflow_duplicate_matching.domain.features import FEATURES
from asinflow_duplicate_matching.domain.matcher import Matcher, ModelFileError
from asinflow_duplicate_matching.domain.product import Product

pytestmark = pytest.mark.unit

LAMP = Product("epson 1500 hours 200w uhe projector lamp elplp12", "epson", "elplp12", "monitors", 438.84)
SAME_LAMP = Product("Epson ELPLP12 replacement projector lamp", brand="Epson", price=399.0)
OTHER_LAMP = Product("epson 2000 hours 230w uhe projector lamp elplp33", "epson", "elplp33", "monitors", 289.0)
TONER = Product("xerox 108r00645 imaging unit for phaser 6300 and 6350 printer", "xerox", "108r00645", price=244.84)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.default()


def test_default_model_loads_from_the_package(matcher: Matcher) -> None:
    assert 0.0 < matcher.threshold < 1.0
    assert matcher.info["dataset"] == "walmart_amazon"
    assert Matcher.default() is matcher  # loaded once


def test_same_product_matches_and_different_model_does_not(matcher: Matcher) -> None:
    assert matcher.score(LAMP, SAME_LAMP).is_match
    assert not matcher.score(LAMP, OTHER_LAMP).is_match
    assert not matcher.score(LAMP, TONER).is_match
    assert matcher.score(LAMP, SAME_LAMP).value > matcher.score(LAMP, OTHER_LAMP).value


def test_evidence_names_agreeing_and_disagreeing_fields(matcher: Matcher) -> None:
    same = matcher.score(LAMP, SAME_LAMP)
    assert same.evidence["model_number"] == same.evidence["model_number"] | {
        "a": "ELPLP12",
        "b": "ELPLP12",
        "agrees": True,
    }
    assert same.evidence["model_number"]["contribution"] > 0
    assert {"model_number", "brand", "title"} <= set(same.agreeing_fields)
    assert same.evidence["category"]["agrees"] is None  # one side has no category: not a disagreement

    other = matcher.score(LAMP, OTHER_LAMP)
    assert other.evidence["model_number"]["agrees"] is False
    assert other.evidence["model_number"]["contribution"] < 0
    assert {"model_number", "numbers"} <= set(other.disagreeing_fields)
    assert "brand" in other.agreeing_fields


def test_evidence_shape_is_json_ready(matcher: Matcher) -> None:
    score = matcher.score(LAMP, SAME_LAMP)
    assert list(score.evidence) == list(FIELDS)
    for field in score.evidence.values():
        assert set(field) == {"a", "b", "agrees", "contribution", "features"}
        assert field["agrees"] in (True, False, None)
        for feature in field["features"].values():
            assert set(feature) == {"value", "contribution"}
    assert sorted(n for f in score.evidence.values() for n in f["features"]) == sorted(FEATURES)
    json.dumps(score.as_dict())


def test_contributions_add_up_to_the_score(matcher: Matcher) -> None:
    for b in (SAME_LAMP, OTHER_LAMP, TONER):
        score = matcher.score(LAMP, b)
        log_odds = math.log(score.value / (1 - score.value))
        assert score.bias + math.fsum(score.contributions.values()) == pytest.approx(log_odds, abs=1e-9)
        by_field = math.fsum(f["contribution"] for f in score.evidence.values())
        assert score.bias + by_field == pytest.approx(log_odds, abs=1e-3)  # fields are rounded
        assert score.is_match == (score.value >= score.threshold)


def test_absent_evidence_is_none_not_zero(matcher: Matcher) -> None:
    score = matcher.score(Product("acme widget"), Product("acme widget deluxe"))
    for name in ("price_log_ratio", "model_number_exact", "model_number_conflict", "brand_explicit_agree"):
        assert score.features[name] is None


def test_scores_are_symmetric_and_batch_equals_single(matcher: Matcher) -> None:
    a, b, c = matcher.prepare(LAMP), matcher.prepare(SAME_LAMP), matcher.prepare(OTHER_LAMP)
    assert matcher.score_prepared(a, b).value == pytest.approx(matcher.score_prepared(b, a).value, abs=1e-12)
    batch = matcher.score_many(a, [b, c])
    assert [s.value for s in batch] == pytest.approx([matcher.score_prepared(a, x).value for x in (b, c)], abs=1e-12)
    assert matcher.probabilities([(a, b), (a, c)]).tolist() == pytest.approx([s.value for s in batch], abs=1e-12)
    assert matcher.score_many(a, []) == []


def test_save_load_round_trip_gives_identical_scores(matcher: Matcher, tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    matcher.save(path)
    loaded = Matcher.load(path)
    assert loaded.threshold == matcher.threshold
    for b in (SAME_LAMP, OTHER_LAMP, TONER, Product("")):
        assert loaded.score(LAMP, b).value == matcher.score(LAMP, b).value


def test_empty_and_junk_records_score(matcher: Matcher) -> None:
    for junk in (Product(""), Product("²³ ١٢٣ 💾", brand="…", model_number="--", price=None)):
        score = matcher.score(junk, LAMP)
        assert 0.0 <= score.value <= 1.0


def test_bad_model_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="cannot read"):
        Matcher.load(tmp_path / "missing.json")
    (tmp_path / "other.json").write_text('{"format": "something else"}')
    with pytest.raises(ModelFileError, match="not a matcher model"):
        Matcher.load(tmp_path / "other.json")
    data = Matcher.default().to_json()
    data["features"] = data["features"][:-1]
    (tmp_path / "features.json").write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="other features"):
        Matcher.load(tmp_path / "features.json")
    data = Matcher.default().to_json()
    data["forest"]["value"] = data["forest"]["value"][:-1]
    (tmp_path / "damaged.json").write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="damaged"):
        Matcher.load(tmp_path / "damaged.json")


def test_shipped_model_is_small() -> None:
    import asinflow_duplicate_matching.domain as domain

    assert (Path(domain.__file__).parent / "default_model.json").stat().st_size < 2_000_000
