"""The services of this release with their full specs (migrations, topics, handlers), in the order ``asinflow
run`` starts them. Importing this imports every service; commands that need only names and schemas use
``asinflow_cli.roster``."""

from __future__ import annotations

from asinflow_activation.app import SPEC as ACTIVATION
from asinflow_brand_gating.app import SPEC as BRAND_GATING
from asinflow_catalog.app import SPEC as CATALOG
from asinflow_creation_quota.app import SPEC as CREATION_QUOTA
from asinflow_duplicate_matching.app import SPEC as DUPLICATE_MATCHING
from asinflow_identifier_validation.app import SPEC as IDENTIFIER_VALIDATION
from asinflow_lifecycle_ledger.app import SPEC as LIFECYCLE_LEDGER
from asinflow_runtime.service import ServiceSpec

#: (spec, module run with ``python -m``)
SERVICES: tuple[tuple[ServiceSpec, str], ...] = (
    (LIFECYCLE_LEDGER, "asinflow_lifecycle_ledger"),
    (IDENTIFIER_VALIDATION, "asinflow_identifier_validation"),
    (DUPLICATE_MATCHING, "asinflow_duplicate_matching"),
    (BRAND_GATING, "asinflow_brand_gating"),
    (CREATION_QUOTA, "asinflow_creation_quota"),
    (CATALOG, "asinflow_catalog"),
    (ACTIVATION, "asinflow_activation"),
)


def all_topics() -> list[str]:
    names: set[str] = set()
    for spec, _ in SERVICES:
        names.update(spec.consumes)
        names.update(topic for topic, _ in spec.publishes)
    return sorted(names)
