"""What an operator sees of the running services (issue 12): Prometheus metrics that count exactly what
happened, readiness over HTTP, and one trace per listing across every service — also through the outbox
relay, and continuing an upstream traceparent."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from typing import Any

import pytest
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.ids import content_event_id, listing_id
from prometheus_client.parser import text_string_to_metric_families

from tests.support.cli import asinflow
from tests.support.listings import SETTLED, gtin, proposal, publish_proposal, publish_raw, seller, wait_for_proposal

pytestmark = pytest.mark.integration


def new_product(seller_id: str, sku: str, n: int) -> dict[str, Any]:
    """A proposal of a product new to the catalog: a brand, title and GTIN of its own (so it is unmatched)."""
    brand = f"Obsbrand {uuid.uuid4().hex[:10]}"
    return proposal(
        seller_id,
        sku,
        brand=brand,
        title=f"{brand} desk lamp {sku}",
        model_number=f"OBS-{sku}",
        identifiers=[{"type": "EAN", "value": gtin(seller_id, n)}],
    )


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def get(url: str) -> tuple[int, str]:
    def fetch() -> tuple[int, str]:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    return await asyncio.to_thread(fetch)


async def scrape(runtime: Any) -> Samples:
    status, text = await get(f"{runtime.server.url}/metrics")
    assert status == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """Sum of the samples of ``name`` whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


def delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


async def test_every_service_counts_on_metrics_exactly_what_happened_to_a_feed(services, producer, pool) -> None:
    before = {name: await scrape(rt) for name, rt in services.items()}
    sellers = [seller() for _ in range(3)]
    good = [new_product(sellers[i % 3], f"OBS-{i}", i) for i in range(9)]
    bad = [
        proposal(sellers[0], f"OBS-BAD-{i}", identifiers=[{"type": "UPC", "value": "036000291453"}]) for i in range(3)
    ]
    ids = await asyncio.gather(*(publish_proposal(producer, p) for p in good + bad))
    for i in range(2):
        await publish_raw(producer, f"not json {uuid.uuid4()}".encode(), key=f"obs-junk-{i}".encode())
    for proposal_id in ids:
        await wait_for_proposal(pool, proposal_id, SETTLED, timeout=60)

    after: dict[str, Samples] = {}
    for _ in range(100):  # until every consumer has caught up: lag back to 0 everywhere
        after = {name: await scrape(rt) for name, rt in services.items()}
        lags = [v for s in after.values() for (n, _), v in s.items() if n == "asinflow_consumer_lag_records"]
        if (
            lags
            and not any(lags)
            and all(delta(before[n], after[n], "asinflow_applied_events_total") > 0 for n in services)
        ):
            break
        await asyncio.sleep(0.2)

    v, ledger = ("identifier-validation", "lifecycle-ledger")
    proposed = {"topic": topics.LISTING_PROPOSED}
    assert delta(before[v], after[v], "asinflow_consumed_records_total", **proposed) == 14
    assert delta(before[v], after[v], "asinflow_applied_events_total", **proposed) == 12
    assert delta(before[v], after[v], "asinflow_dead_letters_total", reason="not_json", **proposed) == 2
    assert delta(before[v], after[v], "asinflow_decisions_total", outcome="listing.validated") == 9
    rejected = {"outcome": "listing.rejected", "code": "IDENTIFIER_INVALID_CHECKSUM"}
    assert delta(before[v], after[v], "asinflow_decisions_total", **rejected) == 3
    assert delta(before[ledger], after[ledger], "asinflow_dead_letters_total", reason="not_json") == 2
    assert delta(before[ledger], after[ledger], "asinflow_decisions_total", outcome="listing.state-changed") >= 12
    m = "duplicate-matching"
    assert delta(before[m], after[m], "asinflow_decisions_total", outcome="listing.unmatched") == 9
    assert (
        delta(
            before["brand-gating"],
            after["brand-gating"],
            "asinflow_decisions_total",
            outcome="listing.brand-cleared",
            code="unregistered",
        )
        == 9
    )
    q = "creation-quota"
    assert delta(before[q], after[q], "asinflow_decisions_total", outcome="listing.quota-granted") == 9
    assert (
        delta(
            before["catalog"], after["catalog"], "asinflow_decisions_total", outcome="listing.created", code="new_asin"
        )
        == 9
    )
    a = "activation"
    assert (
        delta(before[a], after[a], "asinflow_decisions_total", outcome="listing.activated", code="CREATED_WITH_STOCK")
        == 9
    )
    for name in services:
        assert delta(before[name], after[name], "asinflow_event_age_seconds_count") > 0, name
        assert delta(before[name], after[name], "asinflow_batch_size_records_count") > 0, name
        assert value(after[name], "asinflow_ready", service=name) == 1
        assert value(after[name], "asinflow_consumer_lag_records") == 0
        assert value(after[name], "asinflow_outbox_failed_rows", service=name) == 0


async def test_readiness_over_http_names_each_check(services) -> None:
    for name, runtime in services.items():
        status, body = await get(f"{runtime.server.url}/readyz")
        assert status == 200, body
        checks = json.loads(body)["checks"]
        assert {"kafka", "postgres", "consumer"} <= set(checks) and set(checks.values()) == {"ok"}, name
        assert (await get(f"{runtime.server.url}/livez"))[0] == 200
    assert "redis" in json.loads((await get(f"{services['creation-quota'].server.url}/readyz"))[1])["checks"]


async def test_one_listing_is_one_trace_across_every_service_also_through_the_outbox_relay(
    services, producer, pool, spans
) -> None:
    # The catalog's inline publish is held back for this listing, so its listing.created reaches activation
    # through the outbox relay: the trace must continue there too.
    s = seller()
    data = new_product(s, "TRACED", 1)
    lid = str(listing_id(s, "TRACED"))
    catalog = services["catalog"].pipeline
    assert catalog is not None
    publish = catalog._publish

    async def hold_back(rows: list[Any]) -> None:
        if any(r.key == lid for r in rows):
            catalog.counters.emitted += len(rows)  # committed, never handed to the producer: the relay's job
            return
        await publish(rows)

    relayed = services["catalog"]._relay.published
    catalog._publish = hold_back  # type: ignore[method-assign]
    try:
        proposal_id = await publish_proposal(producer, data)
        await wait_for_proposal(pool, proposal_id, {"active"}, timeout=60)
    finally:
        catalog._publish = publish  # type: ignore[method-assign]
    assert services["catalog"]._relay.published > relayed

    trace_id = proposal_id.int  # a proposal without traceparent: the trace id is derived from its event id
    await asyncio.sleep(0.5)
    mine = [span for span in spans.get_finished_spans() if span.context.trace_id == trace_id]
    by_service = defaultdict(list)
    for span in mine:
        by_service[span.resource.attributes["service.name"]].append(span)
    assert set(by_service) == set(services), sorted(by_service)
    consumed = {span.name for span in mine if span.name.startswith("consume ")}
    for topic in (
        topics.LISTING_PROPOSED,
        topics.LISTING_VALIDATED,
        topics.LISTING_UNMATCHED,
        topics.LISTING_BRAND_CLEARED,
        topics.LISTING_QUOTA_GRANTED,
        topics.LISTING_CREATED,
    ):
        assert f"consume {topic}" in consumed
    publish_ids = {span.context.span_id for span in mine if span.name.startswith("publish ")}
    for span in mine:  # causal links: every consume span but the proposal's continues a publish span
        if span.name.startswith("consume ") and span.name != f"consume {topics.LISTING_PROPOSED}":
            assert span.parent is not None and span.parent.span_id in publish_ids, span.name
    activation = [sp for sp in by_service["activation"] if sp.name == f"consume {topics.LISTING_CREATED}"]
    assert activation and activation[0].parent is not None  # after the relay, still in the trace


async def test_an_upstream_traceparent_is_kept(services, producer, pool, spans) -> None:
    s = seller()
    data = new_product(s, "UPSTREAM", 2)
    body = json.dumps(data).encode()
    upstream_trace, upstream_span = uuid.uuid4().int, 0x1234567890ABCDEF
    event_id = content_event_id(topics.LISTING_PROPOSED, body)
    envelope = Envelope(
        id=event_id,
        type=topics.LISTING_PROPOSED,
        source="/upstream",
        subject=str(listing_id(s, "UPSTREAM")),
        traceparent=f"00-{upstream_trace:032x}-{upstream_span:016x}-01",
    )
    await publish_raw(
        producer, body, key=envelope.subject.encode() if envelope.subject else None, headers=envelope.to_headers()
    )
    await wait_for_proposal(pool, event_id, {"active"}, timeout=60)
    await asyncio.sleep(0.5)
    mine = [span for span in spans.get_finished_spans() if span.context.trace_id == upstream_trace]
    roots = [span for span in mine if span.name == f"consume {topics.LISTING_PROPOSED}"]
    assert roots and all(span.parent is not None and span.parent.span_id == upstream_span for span in roots)
    assert {span.resource.attributes["service.name"] for span in mine} == set(services)


async def test_asinflow_top_shows_every_service_from_its_metrics(services, infra) -> None:
    shown = await asinflow("top", "--once", "--interval", "0.5", infra=infra)
    assert shown.code == 0, shown.err
    lines = shown.out.splitlines()
    assert lines[0].split()[:3] == ["service", "ready", "applied/s"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert set(rows) == set(services)
    assert all(row[1] == "yes" for row in rows.values())  # ready, read from /metrics
