"""Fitting a matcher on a Magellan-layout benchmark, and measuring it.

Three procedures (``threshold_from``), all reading ``train.csv`` and ``valid.csv`` only:
- ``"pooled"`` (the default): weights are learned on the labelled pairs of both files, and the decision
  threshold is the one that maximises F1 on their out-of-fold predictions (5-fold cross-validation).
  With a fifth more data for the weights it did better on held-out pairs than the two others: over
  three 80/20 splits of train.csv, scored on valid.csv, F1 ×100 went 69.2 → 70.5 (amazon_google),
  88.1 → 88.9 (abt_buy), 86.9 → 87.4 (walmart_amazon); on the Walmart-Amazon test split, seeds 0–2,
  88.6 → 89.3 on average (docs/matching.md).
- ``"valid"``: weights on ``train.csv``, threshold maximising F1 on ``valid.csv``.
- ``"cv"``: weights on ``train.csv``, threshold from out-of-fold predictions over ``train.csv`` (so
  ``valid.csv`` stays a held-out check).
The IDF of title words is counted over the records that appear in those two files. Test files are only
ever read by ``evaluate``.

The benchmarks' negative pairs are all near misses found by blocking, so a model fitted on them alone
has never seen two unrelated products and may call them a match (on Walmart-Amazon it did so for most
random pairs). Training therefore adds "easy negatives": random unlabelled pairs of train records,
half as many as the labelled pairs, labelled 0.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from asinflow_duplicate_matching.domain.features import FEATURES, Prepared, pair_features, prepare
from asinflow_duplicate_matching.domain.forest import FloatArray, Forest, stack
from asinflow_duplicate_matching.domain.magellan import LabelledPair, MagellanDataset
from asinflow_duplicate_matching.domain.matcher import Matcher
from asinflow_duplicate_matching.domain.normalise import words
from asinflow_duplicate_matching.domain.product import Product

# One setting for every dataset (chosen by 5-fold cross-validation on the three training splits).
LIGHTGBM_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 16,
    "max_depth": 4,
    "min_data_in_leaf": 10,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "feature_fraction": 0.8,
    "num_threads": 1,
    "deterministic": True,
    "force_row_wise": True,
    "verbosity": -1,
}
NUM_TREES = 300
CV_FOLDS = 5
EASY_NEGATIVES = 0.5  # random unlabelled pairs of train records added as non-matches, per labelled pair


def fit(
    dataset_dir: str | Path,
    *,
    threshold_from: Literal["pooled", "valid", "cv"] = "pooled",
    seed: int = 0,
    num_trees: int = NUM_TREES,
) -> Matcher:
    """Fit a matcher on ``train.csv`` and ``valid.csv`` (see the module doc for the three procedures)."""
    data = MagellanDataset.load(dataset_dir)
    train, valid = data.pairs("train.csv"), data.pairs("valid.csv")
    if len({p.label for p in train}) < 2:
        raise ValueError(f"{data.directory}/train.csv needs both matching and non-matching pairs")
    idf, default_idf = learn_idf(_records(data, [*train, *valid]))
    left, right = _prepared(data, [*train, *valid], idf, default_idf)
    fit_pairs = [*train, *valid] if threshold_from == "pooled" else train
    x_train = _features([*fit_pairs, *easy_negatives(fit_pairs, seed)], left, right)
    y_train = np.zeros(len(x_train))
    y_train[: len(fit_pairs)] = [p.label for p in fit_pairs]
    forest = _fit_forest(x_train, y_train, seed, num_trees)
    cv_f1 = None
    if threshold_from in ("pooled", "cv"):  # out-of-fold scores of the labelled pairs (easy negatives only train)
        labelled = np.arange(len(fit_pairs))
        oof = np.zeros(len(fit_pairs))
        for fold in _folds(y_train[labelled], CV_FOLDS, seed):
            rest = np.setdiff1d(np.arange(len(x_train)), fold)
            oof[fold] = _sigmoid(_fit_forest(x_train[rest], y_train[rest], seed, num_trees).raw_scores(x_train[fold]))
        threshold, cv_f1 = best_threshold(oof, y_train[labelled].astype(int))
    else:
        valid_scores = _sigmoid(forest.raw_scores(_features(valid, left, right)))
        threshold, _ = best_threshold(valid_scores, np.array([p.label for p in valid]))
    matcher = Matcher(forest, idf, default_idf, threshold)
    valid_metrics = evaluate_pairs(matcher, data, valid)
    matcher.info.update(
        dataset=data.name,
        threshold_from=threshold_from,
        fitted_on="train+valid" if threshold_from == "pooled" else "train",
        cv_f1=None if cv_f1 is None else round(cv_f1, 4),
        train_pairs=len(train),
        labelled_pairs_fitted=len(fit_pairs),
        easy_negatives=len(x_train) - len(fit_pairs),
        valid_pairs=len(valid),
        valid_f1=round(valid_metrics["f1"], 4),
        valid_precision=round(valid_metrics["precision"], 4),
        valid_recall=round(valid_metrics["recall"], 4),
        num_trees=num_trees,
        seed=seed,
    )
    return matcher


def easy_negatives(train: Sequence[LabelledPair], seed: int) -> list[LabelledPair]:
    """Random pairs of train records that are not labelled pairs, as non-matches (see the module doc)."""
    rng = random.Random(seed)
    lefts, rights = sorted({p.left for p in train}), sorted({p.right for p in train})
    labelled = {(p.left, p.right) for p in train}
    wanted = min(int(EASY_NEGATIVES * len(train)), len(lefts) * len(rights) - len(labelled))
    found: dict[tuple[str, str], None] = {}
    while len(found) < wanted:
        pair = (rng.choice(lefts), rng.choice(rights))
        if pair not in labelled:
            found[pair] = None
    return [LabelledPair(left, right, 0) for left, right in found]


def evaluate(matcher: Matcher, dataset_dir: str | Path, pairs_csv: str | Path) -> dict[str, Any]:
    """Precision, recall and F1 at the matcher's threshold, and top-1 accuracy, over labelled pairs.

    ``top1_accuracy``: among left records that have a true match in the file, how often the best
    scored of their labelled candidates is a true match (``top1_records`` of them).
    """
    data = MagellanDataset.load(dataset_dir)
    return evaluate_pairs(matcher, data, data.pairs(pairs_csv))


def evaluate_pairs(matcher: Matcher, data: MagellanDataset, pairs: Sequence[LabelledPair]) -> dict[str, Any]:
    left = {p.left: matcher.prepare(data.left[p.left]) for p in pairs}
    right = {p.right: matcher.prepare(data.right[p.right]) for p in pairs}
    scores = matcher.probabilities([(left[p.left], right[p.right]) for p in pairs])
    labels = np.array([p.label for p in pairs], dtype=int)
    predicted = scores >= matcher.threshold
    tp = int(np.sum(predicted & (labels == 1)))
    precision = tp / int(predicted.sum()) if predicted.any() else 0.0
    recall = tp / int(labels.sum()) if labels.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    best: dict[str, tuple[float, int]] = {}
    with_match = {p.left for p in pairs if p.label == 1}
    for p, score in zip(pairs, scores.tolist(), strict=True):
        if p.left in with_match and (p.left not in best or score > best[p.left][0]):
            best[p.left] = (score, p.label)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "pairs": len(pairs),
        "positives": int(labels.sum()),
        "true_positives": tp,
        "predicted_positives": int(predicted.sum()),
        "top1_accuracy": sum(label for _, label in best.values()) / len(best) if best else 0.0,
        "top1_records": len(best),
        "threshold": matcher.threshold,
    }


def best_threshold(scores: FloatArray, labels: Sequence[int] | np.ndarray) -> tuple[float, float]:
    """The threshold (midway between two scores) that maximises F1, and that F1."""
    y = np.asarray(labels, dtype=int)
    order = np.argsort(-scores, kind="stable")
    s, y_sorted = scores[order], y[order]
    tp = np.cumsum(y_sorted)
    predicted = np.arange(1, len(s) + 1)
    f1 = 2 * tp / (predicted + max(int(y.sum()), 1))
    cut = np.flatnonzero(np.append(s[1:] < s[:-1], True))  # only cut between distinct scores
    if len(cut) == 0:
        return 0.5, 0.0
    k = int(cut[np.argmax(f1[cut])])
    below = s[k + 1] if k + 1 < len(s) else 0.0
    return float((s[k] + below) / 2), float(f1[k])


def learn_idf(products: Iterable[Product]) -> tuple[dict[str, float], float]:
    """Smoothed IDF of title words, and the IDF given to a word never seen."""
    df: Counter[str] = Counter()
    n = 0
    for product in products:
        df.update(set(words(product.title)))
        n += 1
    idf = {t: math.log((n + 1) / (c + 1)) + 1.0 for t, c in df.items()}
    return idf, math.log(n + 1) + 1.0


def _records(data: MagellanDataset, pairs: Sequence[LabelledPair]) -> list[Product]:
    lefts = dict.fromkeys(p.left for p in pairs)
    rights = dict.fromkeys(p.right for p in pairs)
    return [data.left[i] for i in lefts] + [data.right[i] for i in rights]


def _prepared(
    data: MagellanDataset, pairs: Sequence[LabelledPair], idf: Mapping[str, float], default_idf: float
) -> tuple[dict[str, Prepared], dict[str, Prepared]]:
    left = {p.left: prepare(data.left[p.left], idf, default_idf) for p in pairs}
    right = {p.right: prepare(data.right[p.right], idf, default_idf) for p in pairs}
    return left, right


def _features(pairs: Sequence[LabelledPair], left: Mapping[str, Prepared], right: Mapping[str, Prepared]) -> FloatArray:
    return stack([pair_features(left[p.left], right[p.right]) for p in pairs])


def _fit_forest(x: FloatArray, y: FloatArray, seed: int, num_trees: int) -> Forest:
    import lightgbm  # only fitting needs it; scoring runs on the exported trees

    params = {**LIGHTGBM_PARAMS, "seed": seed}
    booster = lightgbm.train(params, lightgbm.Dataset(x, label=y, free_raw_data=True), num_boost_round=num_trees)
    return Forest.from_lightgbm(booster.dump_model(), n_features=len(FEATURES))


def _folds(y: FloatArray, k: int, seed: int) -> list[np.ndarray]:
    """Stratified folds: each class shuffled and dealt round-robin."""
    rng = np.random.default_rng(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    for label in (0.0, 1.0):
        members = rng.permutation(np.flatnonzero(y == label))
        for i, index in enumerate(members.tolist()):
            folds[i % k].append(index)
    return [np.sort(np.array(f, dtype=np.intp)) for f in folds]


def _sigmoid(raw: FloatArray) -> FloatArray:
    result: FloatArray = 1.0 / (1.0 + np.exp(-raw))
    return result
