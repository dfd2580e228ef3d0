"""Base classes of every contract model: bounded by default, so no value escapes to a store unchecked.

``Part`` is a model nested inside events; ``Contract`` is an event body (what travels on a topic): it also
checks the whole body, unknown fields included, for what no store can keep (see ``bounds``).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, model_validator

from asinflow_contracts import bounds
from asinflow_contracts.limits import MAX_ITEMS, MAX_QUANTITY, MAX_TEXT

#: Validation context key: the caller ran ``bounds.first_problem`` on the whole body already.
BOUNDS_CHECKED = "bounds_checked"


class Part(BaseModel):
    """A model inside an event: strings without a bound of their own stop at ``MAX_TEXT``; no NaN/Infinity."""

    model_config = ConfigDict(str_max_length=MAX_TEXT, allow_inf_nan=False)


class Contract(Part):
    """An event body: a ``Part`` whose whole input is also checked by ``bounds.first_problem``."""

    @model_validator(mode="before")
    @classmethod
    def _within_bounds(cls, data: Any, info: ValidationInfo) -> Any:
        if info.context and info.context.get(BOUNDS_CHECKED):
            return data  # the reader walked the whole body already
        if isinstance(data, dict) and (problem := bounds.first_problem(data)) is not None:
            raise ValueError(problem)
        return data


#: An id chosen by a seller or an upstream system (seller id, SKU, request id…).
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
#: A short name (brand, operator, reporter…).
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
#: Free text shown to people (reasons, notes, messages).
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
#: A sellable quantity.
Quantity = Annotated[int, Field(ge=0, le=MAX_QUANTITY)]
#: A counter or sequence number that a PostgreSQL integer column holds.
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
#: An ASIN: ``B0`` + 8 upper-case alphanumerics.
Asin = Annotated[str, StringConstraints(pattern=r"^B0[0-9A-Z]{8}$")]
#: A GTIN-14 as identifier validation normalises it.
Gtin14 = Annotated[str, StringConstraints(pattern=r"^[0-9]{14}$")]
#: Free-text list items (evidence, notes).
TextList = Annotated[list[Text], Field(max_length=MAX_ITEMS)]
