"""The scoring model: are two product records the same product, how sure, and why."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from asinflow_duplicate_matching.domain.evidence import build_evidence
from asinflow_duplicate_matching.domain.features import FEATURES, Prepared, pair_features, prepare
from asinflow_duplicate_matching.domain.forest import FloatArray, Forest, stack
from asinflow_duplicate_matching.domain.product import Product

MODEL_FORMAT = "asinflow.duplicate_matching.matcher"
MODEL_VERSION = 1
DEFAULT_MODEL = "default_model.json"
_CHUNK = 256  # pairs per tree walk in bulk scoring (larger batches are slower per pair)


class ModelFileError(ValueError):
    """A model file that cannot be used: unreadable, another format, or other features."""


class MatchScore:
    """How likely two records are the same product, with the evidence for it.

    ``log_odds(value) == bias + sum(contributions.values())``: each feature's contribution is what it
    added to (or, when negative, took from) the log-odds that the records are the same product.
    ``evidence`` groups them by record field (see ``build_evidence``). Both are computed on first
    read: a proposal is scored against many candidates, and only the best few are explained.
    """

    __slots__ = (
        "_contributions", "_evidence", "_forest", "_pair", "bias", "features", "is_match", "threshold", "value",
    )  # fmt: skip

    def __init__(
        self,
        value: float,
        threshold: float,
        bias: float,
        features: dict[str, float | None],
        pair: tuple[Prepared, Prepared],
        forest: Forest,
    ) -> None:
        self.value = value  # probability, 0..1
        self.threshold = threshold
        self.is_match = value >= threshold
        self.bias = bias  # log-odds before any feature is looked at
        self.features = features  # None: evidence absent
        self._pair = pair
        self._forest = forest
        self._contributions: dict[str, float] | None = None
        self._evidence: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"MatchScore(value={self.value:.4f}, threshold={self.threshold:.4f}, is_match={self.is_match})"

    @property
    def contributions(self) -> dict[str, float]:
        if self._contributions is None:
            row = stack([[self.features[n] for n in FEATURES]])
            self._contributions = dict(zip(FEATURES, self._forest.contributions(row)[0].tolist(), strict=True))
        return self._contributions

    @property
    def evidence(self) -> dict[str, Any]:
        """Per field: ``{"a", "b", "agrees", "contribution", "features"}`` (see ``build_evidence``)."""
        if self._evidence is None:
            contributions = self.contributions
            self._evidence = build_evidence(
                *self._pair, [self.features[n] for n in FEATURES], [contributions[n] for n in FEATURES]
            )
        return self._evidence

    @evidence.setter
    def evidence(self, value: dict[str, Any]) -> None:
        self._evidence = value

    @property
    def agreeing_fields(self) -> list[str]:
        return [name for name, e in self.evidence.items() if e["agrees"] is True]

    @property
    def disagreeing_fields(self) -> list[str]:
        return [name for name, e in self.evidence.items() if e["agrees"] is False]

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "threshold": self.threshold,
            "is_match": self.is_match,
            "bias": self.bias,
            "evidence": self.evidence,
        }


class Matcher:
    """Scores pairs of product records with a boosted tree ensemble over the pair features."""

    def __init__(
        self,
        forest: Forest,
        idf: Mapping[str, float],
        default_idf: float,
        threshold: float,
        info: Mapping[str, Any] | None = None,
    ) -> None:
        if forest.n_features != len(FEATURES):
            raise ModelFileError(f"the forest has {forest.n_features} features, the matcher {len(FEATURES)}")
        if not 0.0 <= threshold <= 1.0:
            raise ModelFileError(f"threshold {threshold} is not a probability")
        self.forest = forest
        self.idf = dict(idf)
        self.default_idf = default_idf
        self.threshold = threshold
        self.info: dict[str, Any] = dict(info or {})

    def prepare(self, product: Product) -> Prepared:
        """Compute a record's own features once; reuse it against every candidate."""
        return prepare(product, self.idf, self.default_idf)

    def score(self, a: Product, b: Product) -> MatchScore:
        return self.score_prepared(self.prepare(a), self.prepare(b))

    def score_prepared(self, a: Prepared, b: Prepared) -> MatchScore:
        return self.score_many(a, [b])[0]

    def score_many(self, a: Prepared, candidates: Sequence[Prepared]) -> list[MatchScore]:
        """Score one record against many candidates at once (the trees are walked as one batch)."""
        if not candidates:
            return []
        rows = [pair_features(a, b) for b in candidates]
        raw = self.forest.raw_scores(stack(rows)).tolist()
        bias = self.forest.bias
        return [
            MatchScore(_sigmoid(x), self.threshold, bias, dict(zip(FEATURES, row, strict=True)), (a, b), self.forest)
            for b, row, x in zip(candidates, rows, raw, strict=True)
        ]

    def probabilities(self, pairs: Sequence[tuple[Prepared, Prepared]]) -> FloatArray:
        """Match probabilities only (no evidence), for benchmarks and bulk jobs."""
        raw = [
            self.forest.raw_scores(stack([pair_features(a, b) for a, b in pairs[i : i + _CHUNK]]))
            for i in range(0, len(pairs), _CHUNK)
        ]
        result: FloatArray = 1.0 / (1.0 + np.exp(-np.concatenate(raw))) if raw else np.zeros(0)
        return result

    # --- persistence -------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "version": MODEL_VERSION,
            "features": list(FEATURES),
            "threshold": self.threshold,
            "info": self.info,
            "default_idf": self.default_idf,
            "idf": dict(sorted(self.idf.items())),  # full precision: a loaded model scores exactly as saved
            "forest": self.forest.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Matcher:
        if data.get("format") != MODEL_FORMAT or data.get("version") != MODEL_VERSION:
            raise ModelFileError(
                f"not a matcher model (format {data.get('format')!r}, version {data.get('version')!r})"
            )
        if list(data.get("features", [])) != list(FEATURES):
            raise ModelFileError("the model was fitted on other features than this matcher computes: fit it again")
        try:
            return cls(
                forest=Forest.from_json(data["forest"]),
                idf={str(t): float(v) for t, v in data["idf"].items()},
                default_idf=float(data["default_idf"]),
                threshold=float(data["threshold"]),
                info=data.get("info") or {},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(f"damaged model: {exc}") from exc

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), separators=(",", ":")), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Matcher:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelFileError(f"cannot read model {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise ModelFileError(f"{path} is not a matcher model")
        return cls.from_json(data)

    @classmethod
    def default(cls) -> Matcher:
        """The model shipped with the package (fitted on the Walmart-Amazon benchmark)."""
        return _default()


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@cache
def _default() -> Matcher:
    text = resources.files("asinflow_duplicate_matching.domain").joinpath(DEFAULT_MODEL).read_text(encoding="utf-8")
    return Matcher.from_json(json.loads(text))
