"""A boosted tree ensemble evaluated with numpy, with per-feature contributions.

Trees are stored complete, in heap order (node ``k`` has children ``2k+1`` and ``2k+2``), all of the
same depth: a leaf above the last level is padded with splits that always go left. All trees are then
walked at once, level by level, for a whole batch of pairs. Contributions follow the path of each
tree (Saabas): a split is credited with the change of the node value it causes, so that
``bias + contributions.sum() == raw score`` exactly.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
_ALWAYS_LEFT = math.inf


@dataclass(frozen=True, eq=False)
class Forest:
    """``T`` trees of depth ``D`` over ``F`` features; the raw score is a log-odds."""

    depth: int
    n_features: int
    feature: npt.NDArray[np.intp]  # (T, 2**D - 1) split feature of each internal node
    threshold: FloatArray  # (T, 2**D - 1) go left when value <= threshold
    missing_left: npt.NDArray[np.bool_]  # (T, 2**D - 1) where a missing value goes
    value: FloatArray  # (T, 2**(D+1) - 1) value of every node, leaves last
    # Every node of every tree numbered in one flat array (tree t, heap node k -> t * nodes + k), with
    # what the walk reads at each: the column of the doubled feature row (see ``_walk``), the
    # threshold and the right child (the left child is the one before it). Leaves never split.
    _column: npt.NDArray[np.intp] = field(init=False, repr=False)
    _threshold: FloatArray = field(init=False, repr=False)
    _right: npt.NDArray[np.intp] = field(init=False, repr=False)
    _feature: npt.NDArray[np.intp] = field(init=False, repr=False)
    _roots: npt.NDArray[np.intp] = field(init=False, repr=False)
    _value: FloatArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.check()
        n_trees, internal = self.feature.shape
        nodes = self.value.shape[1]
        column = np.zeros((n_trees, nodes), dtype=np.intp)
        column[:, :internal] = self.feature + np.where(self.missing_left, 0, self.n_features)
        feature = np.zeros((n_trees, nodes), dtype=np.intp)
        feature[:, :internal] = self.feature
        threshold = np.full((n_trees, nodes), math.inf)
        threshold[:, :internal] = self.threshold
        roots = np.arange(n_trees, dtype=np.intp) * nodes
        right = np.zeros((n_trees, nodes), dtype=np.intp)
        right[:, :internal] = roots[:, None] + 2 * np.arange(internal) + 2
        for name, array in (("_column", column), ("_threshold", threshold), ("_right", right), ("_feature", feature)):
            object.__setattr__(self, name, array.ravel())
        object.__setattr__(self, "_roots", roots)
        object.__setattr__(self, "_value", self.value.ravel())

    @property
    def bias(self) -> float:
        """The raw score before any split: the sum of the root values."""
        return float(self.value[:, 0].sum())

    def raw_scores(self, features: FloatArray) -> FloatArray:
        """Log-odds for each row of an ``(n, F)`` matrix (NaN = missing)."""
        leaves = self._walk(features)[-1]
        scores: FloatArray = self._value[leaves].sum(axis=1)
        return scores

    def contributions(self, features: FloatArray) -> FloatArray:
        """``(n, F)`` contributions; each row sums with ``bias`` to the raw score."""
        path = self._walk(features)
        n_pairs = features.shape[0]
        row_start = (np.arange(n_pairs) * self.n_features)[:, None]
        cells, changes = [], []
        for parent, child in itertools.pairwise(path):
            changes.append(self._value[child] - self._value[parent])
            cells.append(row_start + self._feature[parent])
        out = np.bincount(
            np.concatenate(cells).ravel(), weights=np.concatenate(changes).ravel(), minlength=n_pairs * self.n_features
        )
        return np.asarray(out, dtype=np.float64).reshape(n_pairs, self.n_features)

    def _walk(self, features: FloatArray) -> list[npt.NDArray[np.intp]]:
        """The flat node number of every (pair, tree) at each level, roots first."""
        n_pairs = features.shape[0]
        # A missing value becomes -inf where it goes left and +inf where it goes right, so that every
        # split is one comparison: column c < F reads the "-inf" copy, c >= F the "+inf" copy.
        missing = np.isnan(features)
        doubled = np.concatenate((np.where(missing, -np.inf, features), np.where(missing, np.inf, features)), axis=1)
        flat = doubled.ravel()
        at = np.broadcast_to(self._roots, (n_pairs, self._roots.shape[0]))
        path = [at]
        for _ in range(self.depth):
            columns = self._column[at]
            if n_pairs > 1:
                columns = columns + (np.arange(n_pairs) * 2 * self.n_features)[:, None]
            at = self._right[at] - (flat[columns] <= self._threshold[at])
            path.append(at)
        return path

    def to_json(self) -> dict[str, Any]:
        return {
            "depth": self.depth,
            "n_features": self.n_features,
            "feature": self.feature.tolist(),
            "threshold": [[_encode(t) for t in row] for row in self.threshold.tolist()],
            "missing_left": self.missing_left.astype(int).tolist(),
            "value": self.value.tolist(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Forest:
        depth, n_features = int(data["depth"]), int(data["n_features"])
        return cls(
            depth=depth,
            n_features=n_features,
            feature=np.asarray(data["feature"], dtype=np.intp).reshape(-1, 2**depth - 1),
            threshold=np.asarray([[_decode(t) for t in row] for row in data["threshold"]], dtype=np.float64),
            missing_left=np.asarray(data["missing_left"], dtype=bool),
            value=np.asarray(data["value"], dtype=np.float64),
        )

    def check(self) -> None:
        """Refuse inconsistent arrays (a damaged or hand-edited model file)."""
        n_trees = self.feature.shape[0]
        internal, total = 2**self.depth - 1, 2 ** (self.depth + 1) - 1
        shapes = {
            "feature": (self.feature.shape, (n_trees, internal)),
            "threshold": (self.threshold.shape, (n_trees, internal)),
            "missing_left": (self.missing_left.shape, (n_trees, internal)),
            "value": (self.value.shape, (n_trees, total)),
        }
        for name, (shape, expected) in shapes.items():
            if shape != expected:
                raise ValueError(f"forest {name} has shape {shape}, expected {expected}")
        if n_trees and (self.feature.min() < 0 or self.feature.max() >= self.n_features):
            raise ValueError("forest splits on a feature it does not have")

    @classmethod
    def from_lightgbm(cls, dump: Mapping[str, Any], n_features: int) -> Forest:
        """Convert ``Booster.dump_model()`` (numerical splits, NaN or no missing handling)."""
        trees: list[Mapping[str, Any]] = [t["tree_structure"] for t in dump["tree_info"]]
        depth = max((_depth(t) for t in trees), default=0)
        internal, total = 2**depth - 1, 2 ** (depth + 1) - 1
        feature = np.zeros((len(trees), internal), dtype=np.intp)
        threshold = np.full((len(trees), internal), _ALWAYS_LEFT)
        missing_left = np.ones((len(trees), internal), dtype=bool)
        value = np.zeros((len(trees), total))
        for t, root in enumerate(trees):
            _fill(root, 0, t, feature, threshold, missing_left, value, internal)
        return cls(depth, n_features, feature, threshold, missing_left, value)


def _depth(node: Mapping[str, Any]) -> int:
    if "split_feature" not in node:
        return 0
    return 1 + max(_depth(node["left_child"]), _depth(node["right_child"]))


def _fill(
    node: Mapping[str, Any],
    k: int,
    t: int,
    feature: npt.NDArray[np.intp],
    threshold: FloatArray,
    missing_left: npt.NDArray[np.bool_],
    value: FloatArray,
    internal: int,
) -> None:
    if "split_feature" not in node:  # a leaf: copy its value down the padded always-left path
        value[t, k] = node["leaf_value"]
        while k < internal:
            k = 2 * k + 1
            value[t, k] = node["leaf_value"]
        return
    if node["decision_type"] != "<=" or node["missing_type"] not in {"NaN", "None"}:
        raise ValueError(f"unsupported split: {node['decision_type']} with missing type {node['missing_type']}")
    value[t, k] = node["internal_value"]
    feature[t, k] = node["split_feature"]
    threshold[t, k] = node["threshold"]
    # LightGBM reads a missing value as 0.0 where the split did not learn where missing values go.
    missing_left[t, k] = bool(node["default_left"]) if node["missing_type"] == "NaN" else node["threshold"] >= 0.0
    _fill(node["left_child"], 2 * k + 1, t, feature, threshold, missing_left, value, internal)
    _fill(node["right_child"], 2 * k + 2, t, feature, threshold, missing_left, value, internal)


def _encode(x: float) -> float | str:
    return "inf" if math.isinf(x) else x


def _decode(x: float | str) -> float:
    return math.inf if x == "inf" else float(x)


def stack(rows: Sequence[Sequence[float | None]]) -> FloatArray:
    """Feature rows (``None`` = missing) as a float matrix with NaN."""
    return np.array(rows, dtype=np.float64).reshape(len(rows), -1)
