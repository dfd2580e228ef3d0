"""The services of this release by name, module and schema, and the settled listing states, without importing
any service: commands that only read what the services wrote (``status``, ``outbox``, ``report``) need these
strings, not the services' apps, handlers and drivers. ``asinflow_cli.services`` has the full specs; a unit test
keeps the two in step."""

from __future__ import annotations

from dataclasses import dataclass

from asinflow_contracts.state_machine import ListingState


@dataclass(frozen=True)
class Service:
    name: str  #: the spec's name: its consumer group, its heartbeat row, `asinflow outbox retry SERVICE`
    module: str  #: the package, run with ``python -m``
    schema: str  #: its PostgreSQL schema


#: In the order ``asinflow run`` starts them.
ROSTER: tuple[Service, ...] = (
    Service("lifecycle-ledger", "asinflow_lifecycle_ledger", "ledger"),
    Service("identifier-validation", "asinflow_identifier_validation", "identifier_validation"),
    Service("duplicate-matching", "asinflow_duplicate_matching", "duplicate_matching"),
    Service("brand-gating", "asinflow_brand_gating", "brand_gating"),
    Service("creation-quota", "asinflow_creation_quota", "creation_quota"),
    Service("catalog", "asinflow_catalog", "catalog"),
    Service("activation", "asinflow_activation", "activation"),
)

#: The listings API (HTTP, no consumer: no inbox or outbox); its schema holds the API keys.
LISTINGS_API = Service("listings-api", "asinflow_listings_api", "listings_api")

#: Every process ``asinflow run`` starts and ``asinflow status`` shows: the event services, then the API.
PROCESSES: tuple[Service, ...] = (*ROSTER, LISTINGS_API)

#: States in which no service moves a listing on by itself (only a new event from outside does).
SETTLED_STATES: frozenset[str] = frozenset(
    {
        ListingState.REJECTED,
        ListingState.THROTTLED,
        ListingState.ACTIVE,
        ListingState.INACTIVE,
        ListingState.SUPPRESSED,
        ListingState.DELETED,
    }
)


def schema_of(service: str) -> str:
    """The PostgreSQL schema of the service named ``service`` (whose inbox ``publish_and_wait`` watches)."""
    return next(s.schema for s in PROCESSES if s.name == service)
