"""Prometheus metrics of one service (prometheus-client; README "Metrics" lists them).

Every metric has a ``service`` label, so one Prometheus scraping every service (or one process running several
services, as the integration tests do) keeps them apart. Counters are incremented per batch, not per record,
where the figure allows it.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

#: Batch sizes in records (the consumer fetches at most 500).
BATCH_SIZE_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500)
#: Seconds a batch takes from fetched to applied (and its events handed to the producer).
DURATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
#: Seconds from an event's ce_time to its consumption: the latency of each hop, end to end.
AGE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


class ServiceMetrics:
    """The metrics one service instance exposes on ``/metrics``."""

    def __init__(self, service: str, registry: CollectorRegistry | None = None) -> None:
        self.service = service
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        per_topic = ["service", "topic"]
        self.consumed = Counter("asinflow_consumed_records", "Records fetched from the broker.", per_topic, registry=r)
        self.applied = Counter(
            "asinflow_applied_events", "Events applied (first seen, effects committed).", per_topic, registry=r
        )
        self.duplicates = Counter(
            "asinflow_duplicate_events", "Events dropped because the inbox had them already.", per_topic, registry=r
        )
        self.dead_letters = Counter(
            "asinflow_dead_letters", "Records dead-lettered, by reason.", ["service", "topic", "reason"], registry=r
        )
        self.retries = Counter("asinflow_retries", "Transient failures retried with backoff.", ["service"], registry=r)
        self.halts = Counter(
            "asinflow_consumer_halts", "Batches the consumer stopped on for a fault of ours.", ["service"], registry=r
        )
        self.emitted = Counter(
            "asinflow_emitted_events", "Events written to the outbox, by topic.", per_topic, registry=r
        )
        self.published = Counter(
            "asinflow_published_events", "Events the broker acknowledged when published inline.", per_topic, registry=r
        )
        self.relayed = Counter(
            "asinflow_outbox_relayed_rows", "Outbox rows published by the relay (not inline).", ["service"], registry=r
        )
        self.outbox_pending = Gauge(
            "asinflow_outbox_pending_rows", "Outbox rows not published yet.", ["service"], registry=r
        )
        self.outbox_failed = Gauge(
            "asinflow_outbox_failed_rows",
            "Outbox rows the broker refused (see `asinflow outbox`).",
            ["service"],
            registry=r,
        )
        self.outbox_oldest = Gauge(
            "asinflow_outbox_oldest_pending_age_seconds",
            "Age of the oldest outbox row not published yet (0 when none).",
            ["service"],
            registry=r,
        )
        self.batch_size = Histogram(
            "asinflow_batch_size_records",
            "Records per consumed batch.",
            ["service"],
            buckets=BATCH_SIZE_BUCKETS,
            registry=r,
        )
        self.batch_duration = Histogram(
            "asinflow_batch_duration_seconds",
            "Seconds to apply a batch (read, one transaction, events handed to the producer).",
            ["service"],
            buckets=DURATION_BUCKETS,
            registry=r,
        )
        self.event_age = Histogram(
            "asinflow_event_age_seconds",
            "Seconds from an event's ce_time to its consumption by this service (per hop, end to end).",
            per_topic,
            buckets=AGE_BUCKETS,
            registry=r,
        )
        self.lag = Gauge(
            "asinflow_consumer_lag_records",
            "Records on the partition not applied yet (high watermark minus the next offset to apply).",
            ["service", "topic", "partition"],
            registry=r,
        )
        self.decisions = Counter(
            "asinflow_decisions",
            "What the service decided, by outcome (the event it emitted) and code (rejection code, match kind, "
            "clearance, reason…).",
            ["service", "outcome", "code"],
            registry=r,
        )
        self.ready = Gauge("asinflow_ready", "1 when the service is ready, 0 otherwise.", ["service"], registry=r)
        self._age_children: dict[str, Any] = {}
        self.orphans = Gauge(
            "asinflow_orphaned_events", "Events parked for a cause that never came.", ["service"], registry=r
        )

    def per_topic(self, counter: Counter, topics: Iterable[str]) -> None:
        for topic, n in Tally(topics).items():
            counter.labels(self.service, topic).inc(n)

    def ages(self, topic_and_time: Iterable[tuple[str, datetime]]) -> None:
        now = datetime.now(UTC)
        children = self._age_children
        for topic, at in topic_and_time:
            child = children.get(topic)
            if child is None:
                child = children[topic] = self.event_age.labels(self.service, topic)
            child.observe(max(0.0, (now - at).total_seconds()))

    def decided(self, payloads: Iterable[tuple[str, Any]]) -> None:
        for (outcome, code), n in Tally(decision_of(topic, payload) for topic, payload in payloads).items():
            self.decisions.labels(self.service, outcome, code).inc(n)


#: The payload field that names the code of each kind of decision (outcome = the emitted event's type).
_CODE_FIELD = {
    "listing.rejected": "code",
    "listing.matched": "match_kind",
    "listing.brand-cleared": "clearance",
    "listing.created": "new_asin",
    "listing.activated": "reason",
    "listing.deactivated": "reason",
    "listing.suppressed": "reason",
    "listing.reactivated": "reason",
    "listing.state-changed": "to_state",
    "policy.violation.reported": "kind",
}


def decision_of(topic: str, payload: Any) -> tuple[str, str]:
    """(outcome, code) of an emitted event: ``listing.rejected``/``BRAND_NOT_AUTHORIZED``,
    ``listing.matched``/``GTIN``, ``listing.brand-cleared``/``owner``, ``listing.throttled``/
    ``CREATION_LIMIT_REACHED``, ``listing.deactivated``/``OUT_OF_STOCK``, ``listing.created``/``new_asin``…"""
    outcome = topic.removeprefix("asinflow.").rsplit(".v", 1)[0]
    if outcome == "listing.throttled":
        return outcome, "CREATION_LIMIT_REACHED"
    field = _CODE_FIELD.get(outcome)
    value = getattr(payload, field, None) if field else None
    if field == "new_asin":
        return outcome, "new_asin" if value else "offer"
    if value is None:
        return outcome, ""
    return outcome, str(getattr(value, "value", value))


class _Nothing:
    """Stands for any metric when instrumentation is off: every call is a no-op."""

    def labels(self, *values: str) -> _Nothing:
        return self

    def inc(self, amount: float = 1) -> None:
        return None

    def observe(self, amount: float) -> None:
        return None

    def set(self, value: float) -> None:
        return None


class NoMetrics(ServiceMetrics):
    """``ASINFLOW_INSTRUMENTATION=off``: the same interface, nothing counted (to measure what counting costs)."""

    def __init__(self, service: str) -> None:
        super().__init__(service)
        nothing: Any = _Nothing()
        for name, value in list(vars(self).items()):
            if isinstance(value, Counter | Gauge | Histogram):
                setattr(self, name, nothing)

    def per_topic(self, counter: Counter, topics: Iterable[str]) -> None:
        return None

    def ages(self, topic_and_time: Iterable[tuple[str, datetime]]) -> None:
        return None

    def decided(self, payloads: Iterable[tuple[str, Any]]) -> None:
        return None
