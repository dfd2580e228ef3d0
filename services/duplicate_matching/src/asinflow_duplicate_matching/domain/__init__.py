"""Pure rules and decisions of the duplicate-matching service.

The scoring core of the matcher (title/attribute scoring of candidates found by blocking):

- ``product``: the ``Product`` record and its reading from a Magellan CSV row;
- ``normalise``: model numbers (explicit or hidden in titles), measures, colours, brands;
- ``features``: ``prepare`` a record once, then ``pair_features`` against each candidate;
- ``forest``: the boosted trees, walked with numpy, with per-feature contributions;
- ``matcher``: ``Matcher.score`` -> ``MatchScore`` with evidence; ``Matcher.default()`` is the
  shipped model (``default_model.json``, fitted on Walmart-Amazon);
- ``magellan`` and ``training``: reading benchmark folders, ``fit`` and ``evaluate``.
"""

from asinflow_duplicate_matching.domain.matcher import Matcher, MatchScore, ModelFileError
from asinflow_duplicate_matching.domain.product import Product

__all__ = ["MatchScore", "Matcher", "ModelFileError", "Product"]
