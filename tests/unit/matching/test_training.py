"""fit / evaluate on a tiny synthetic Magellan folder, and the ``asinflow match`` commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from asinflow_cli.commands.match import match_group
from asinflow_duplicate_matching.domain.magellan import DatasetError, MagellanDataset
from asinflow_duplicate_matching.domain.matcher import Matcher
from asinflow_duplicate_matching.domain.training import best_threshold, easy_negatives, evaluate, fit
from click.testing import CliRunner

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def fitted(tiny_dataset: Path) -> Matcher:
    return fit(tiny_dataset, num_trees=50)


def test_fit_learns_the_synthetic_task(fitted: Matcher, tiny_dataset: Path) -> None:
    result = evaluate(fitted, tiny_dataset, "test.csv")
    assert result["f1"] > 0.9
    assert result["pairs"] == 60
    assert result["top1_records"] > 0 and result["top1_accuracy"] > 0.9
    assert fitted.info["dataset"] == "tiny" and fitted.info["train_pairs"] == 120
    assert fitted.info["valid_f1"] == pytest.approx(evaluate(fitted, tiny_dataset, "valid.csv")["f1"], abs=1e-4)


def test_a_fitted_model_scores_the_same_after_save_and_load(
    fitted: Matcher, tiny_dataset: Path, tmp_path: Path
) -> None:
    fitted.save(tmp_path / "model.json")
    loaded = Matcher.load(tmp_path / "model.json")
    data = MagellanDataset.load(tiny_dataset)
    pairs = [(data.left[p.left], data.right[p.right]) for p in data.pairs("test.csv")]
    assert [loaded.score(a, b).value for a, b in pairs] == [fitted.score(a, b).value for a, b in pairs]
    assert loaded.info == fitted.info


def test_fit_is_deterministic(fitted: Matcher, tiny_dataset: Path) -> None:
    again = fit(tiny_dataset, num_trees=50)
    assert again.threshold == fitted.threshold
    assert np.array_equal(again.forest.value, fitted.forest.value)


def test_pooled_fits_on_train_and_valid_with_a_cross_validated_threshold(tiny_dataset: Path) -> None:
    pooled = fit(tiny_dataset, num_trees=20)  # the default
    train_only = fit(tiny_dataset, threshold_from="cv", num_trees=20)
    assert pooled.info["threshold_from"] == "pooled" and pooled.info["fitted_on"] == "train+valid"
    assert train_only.info["fitted_on"] == "train"
    valid_pairs = pooled.info["valid_pairs"]
    # easy negatives are drawn per labelled pair fitted on: pooling valid adds its pairs and half as many
    assert pooled.info["labelled_pairs_fitted"] == 120 + valid_pairs
    assert pooled.info["easy_negatives"] == (120 + valid_pairs) // 2
    assert train_only.info["labelled_pairs_fitted"] == 120 and train_only.info["easy_negatives"] == 60
    assert 0.0 < pooled.threshold < 1.0
    assert 0.9 < pooled.info["cv_f1"] <= 1.0
    assert evaluate(pooled, tiny_dataset, "test.csv")["f1"] > 0.9


def test_threshold_by_cross_validation_on_train(tiny_dataset: Path) -> None:
    matcher = fit(tiny_dataset, threshold_from="cv", num_trees=20)
    assert matcher.info["threshold_from"] == "cv"
    assert 0.0 < matcher.threshold < 1.0


def test_fit_never_reads_the_test_split(tiny_dataset: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(tiny_dataset, tmp_path / "no_test")
    (copy / "test.csv").unlink()
    assert fit(copy, num_trees=50).threshold == fit(tiny_dataset, num_trees=50).threshold


def test_easy_negatives_are_unlabelled_train_pairs(tiny_dataset: Path) -> None:
    train = MagellanDataset.load(tiny_dataset).pairs("train.csv")
    extra = easy_negatives(train, seed=0)
    assert len(extra) == len(train) // 2
    assert all(p.label == 0 for p in extra)
    assert not {(p.left, p.right) for p in extra} & {(p.left, p.right) for p in train}
    assert {p.left for p in extra} <= {p.left for p in train}


def test_best_threshold_maximises_f1() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.4, 0.3, 0.1])
    threshold, f1 = best_threshold(scores, [1, 1, 0, 1, 0, 0])
    assert f1 == pytest.approx(6 / 7)  # the top 4: precision 3/4, recall 1
    assert threshold == pytest.approx(0.35)  # midway between the 4th and 5th scores


def test_dataset_errors_are_clear(tmp_path: Path, tiny_dataset: Path) -> None:
    with pytest.raises(DatasetError, match="no such dataset folder"):
        MagellanDataset.load(tmp_path / "missing")
    broken = shutil.copytree(tiny_dataset, tmp_path / "broken")
    (broken / "valid.csv").write_text("ltable_id,rtable_id\n1,2\n")
    with pytest.raises(DatasetError, match="missing column"):
        fit(broken)
    (broken / "valid.csv").write_text("ltable_id,rtable_id,label\n1,99999,0\n")
    with pytest.raises(DatasetError, match="missing from the tables"):
        fit(broken)
    (broken / "tableA.csv").write_text("name,price\nx,1\n")
    with pytest.raises(DatasetError, match="no 'id' column"):
        MagellanDataset.load(broken)


# --- the CLI --------------------------------------------------------------------------------------


def test_cli_fit_then_eval_json(tiny_dataset: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    model = tmp_path / "model.json"
    fitted = runner.invoke(match_group, ["fit", str(tiny_dataset), "--out", str(model)])
    assert fitted.exit_code == 0, fitted.output
    assert "threshold" in fitted.output and "valid F1" in fitted.output
    assert Matcher.load(model).info["dataset"] == "tiny"

    result = runner.invoke(
        match_group, ["eval", str(tiny_dataset), "--pairs", "test.csv", "--model", str(model), "--json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert {"precision", "recall", "f1", "pairs"} <= set(figures)
    assert set(figures) <= {"precision", "recall", "f1", "pairs", "positives", "true_positives",
                            "predicted_positives", "top1_accuracy", "top1_records", "threshold"}  # fmt: skip
    assert figures["pairs"] == 60 and 0.0 <= figures["f1"] <= 1.0


def test_cli_eval_text_with_the_default_model_and_a_pairs_path(tiny_dataset: Path) -> None:
    result = CliRunner().invoke(match_group, ["eval", str(tiny_dataset), "--pairs", str(tiny_dataset / "valid.csv")])
    assert result.exit_code == 0, result.output
    for label in ("precision", "recall", "F1", "top-1", "pairs"):
        assert label in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["eval", "{missing}", "--pairs", "test.csv"], "no such dataset folder"),
        (["eval", "{data}", "--pairs", "nope.csv"], "no such file"),
        (["eval", "{data}", "--pairs", "test.csv", "--model", "{missing}"], "cannot read model"),
        (["fit", "{missing}", "--out", "{out}"], "no such dataset folder"),
    ],
)
def test_cli_errors_are_messages_not_tracebacks(
    tiny_dataset: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    values = {"missing": str(tmp_path / "missing"), "data": str(tiny_dataset), "out": str(tmp_path / "m.json")}
    result = CliRunner().invoke(match_group, [a.format(**values) for a in args])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
