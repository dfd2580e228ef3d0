"""Duplicate matching: is the validated proposal a product already in the catalog?"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from asinflow_contracts.base import Asin, Gtin14
from asinflow_contracts.bounds import free_form
from asinflow_contracts.events.listing import ListingValidated

#: Free-form JSON, checked whole against the bounds (``bounds.free_form``).
FreeForm = Annotated[dict[str, Any], AfterValidator(free_form)]


class ListingMatched(ListingValidated):
    """The proposal describes an existing catalog item: the listing will be an offer on ``asin``."""

    asin: Asin = Field(description="The existing catalog item.")
    match_kind: Literal["GTIN", "MODEL", "TITLE"] = Field(description="Which step of the cascade matched.")
    score: float = Field(ge=0, le=1, description="Matcher score of the pair (0..1); 1.0 for an identical GTIN.")
    threshold: float = Field(ge=0, le=1, description="The score a title/attribute match needs.")
    evidence: FreeForm = Field(description="Which fields agreed and which disagreed, with contributions.")
    alias_gtin14: Gtin14 | None = Field(
        default=None, description="The proposal's GTIN, new for this item: recorded as an alias (a warning)."
    )


class ListingUnmatched(ListingValidated):
    """No catalog item describes this product: a new ASIN is needed (after brand gating and quotas)."""

    best_asin: Asin | None = Field(default=None, description="The closest candidate, below the threshold.")
    best_score: float | None = Field(default=None, ge=0, le=1, description="Its score.")
    threshold: float = Field(ge=0, le=1, description="The score a match needs.")
    evidence: FreeForm = Field(default_factory=dict, description="Evidence about the closest candidate.")
