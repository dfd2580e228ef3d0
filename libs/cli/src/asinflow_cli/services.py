"""The services of this release, in the order ``asinflow run`` starts them."""

from __future__ import annotations

from asinflow_contracts.state_machine import ListingState
from asinflow_identifier_validation.app import SPEC as IDENTIFIER_VALIDATION
from asinflow_lifecycle_ledger.app import SPEC as LIFECYCLE_LEDGER
from asinflow_runtime.service import ServiceSpec

#: (spec, module run with ``python -m``)
SERVICES: tuple[tuple[ServiceSpec, str], ...] = (
    (LIFECYCLE_LEDGER, "asinflow_lifecycle_ledger"),
    (IDENTIFIER_VALIDATION, "asinflow_identifier_validation"),
)

#: States in which no service of this release moves a listing on. While nothing consumes
#: ``listing.validated`` (duplicate matching and the later steps are not built yet), ``validated`` is one.
SETTLED_STATES: frozenset[str] = frozenset(
    {
        ListingState.VALIDATED,
        ListingState.REJECTED,
        ListingState.THROTTLED,
        ListingState.ACTIVE,
        ListingState.INACTIVE,
        ListingState.SUPPRESSED,
    }
)


def all_topics() -> list[str]:
    names: set[str] = set()
    for spec, _ in SERVICES:
        names.update(spec.consumes)
        names.update(topic for topic, _ in spec.publishes)
    return sorted(names)
