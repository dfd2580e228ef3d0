"""Writes grafana/dashboards/asinflow.json, the dashboard the `ops` profile provisions (run it after a change;
tests/unit/test_ops_profile.py fails when the file is stale and checks every query with promtool)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "grafana" / "dashboards" / "asinflow.json"

#: (title, unit, [(PromQL, legend)]), laid out two per row.
PANELS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "Events applied per second, per service",
        "ops",
        [
            ("sum by (service) (rate(asinflow_applied_events_total[1m]))", "{{service}}"),
        ],
    ),
    (
        "Latency per hop: event age at consumption (p50, p99)",
        "s",
        [
            (
                "histogram_quantile(0.5, sum by (le, service) (rate(asinflow_event_age_seconds_bucket[5m])))",
                "p50 {{service}}",
            ),
            (
                "histogram_quantile(0.99, sum by (le, service) (rate(asinflow_event_age_seconds_bucket[5m])))",
                "p99 {{service}}",
            ),
        ],
    ),
    (
        "Consumer lag (records not applied yet)",
        "short",
        [
            ("sum by (service, topic) (asinflow_consumer_lag_records)", "{{service}} {{topic}}"),
        ],
    ),
    (
        "Dead letters (last 5 min) by reason",
        "short",
        [
            ("sum by (service, reason) (increase(asinflow_dead_letters_total[5m]))", "{{service}} {{reason}}"),
        ],
    ),
    (
        "Decisions per second by outcome and code",
        "ops",
        [
            ("sum by (outcome, code) (rate(asinflow_decisions_total[5m]))", "{{outcome}} {{code}}"),
        ],
    ),
    (
        "Creation quota: grants and throttles per second",
        "ops",
        [
            (
                'sum by (outcome) (rate(asinflow_decisions_total{service="creation-quota", '
                'outcome=~"listing.quota-granted|listing.throttled"}[5m]))',
                "{{outcome}}",
            ),
        ],
    ),
    (
        "Ready (1) / not ready (0)",
        "short",
        [
            ("min by (service) (asinflow_ready)", "{{service}}"),
        ],
    ),
    (
        "Outbox: pending rows and age of the oldest",
        "short",
        [
            ("sum by (service) (asinflow_outbox_pending_rows)", "pending {{service}}"),
            ("max by (service) (asinflow_outbox_oldest_pending_age_seconds)", "oldest s {{service}}"),
            ("sum by (service) (asinflow_outbox_failed_rows)", "failed {{service}}"),
        ],
    ),
    (
        "Batch size (p50) and batch duration (p99)",
        "short",
        [
            (
                "histogram_quantile(0.5, sum by (le, service) (rate(asinflow_batch_size_records_bucket[5m])))",
                "size {{service}}",
            ),
            (
                "histogram_quantile(0.99, sum by (le, service) (rate(asinflow_batch_duration_seconds_bucket[5m])))",
                "s {{service}}",
            ),
        ],
    ),
    (
        "Retries, halts and relayed outbox rows (last 5 min)",
        "short",
        [
            ("sum by (service) (increase(asinflow_retries_total[5m]))", "retries {{service}}"),
            ("sum by (service) (increase(asinflow_consumer_halts_total[5m]))", "halts {{service}}"),
            ("sum by (service) (increase(asinflow_outbox_relayed_rows_total[5m]))", "relayed {{service}}"),
        ],
    ),
]


def queries() -> list[str]:
    return [expr for _, _, targets in PANELS for expr, _ in targets]


def dashboard() -> dict[str, Any]:
    panels = []
    for i, (title, unit, targets) in enumerate(PANELS):
        panels.append(
            {
                "id": i + 1,
                "type": "timeseries",
                "title": title,
                "datasource": {"type": "prometheus", "uid": "prometheus"},
                "gridPos": {"h": 8, "w": 12, "x": 12 * (i % 2), "y": 8 * (i // 2)},
                "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
                "options": {"legend": {"displayMode": "table", "placement": "bottom"}},
                "targets": [
                    {
                        "refId": chr(ord("A") + j),
                        "expr": expr,
                        "legendFormat": legend,
                        "datasource": {"uid": "prometheus"},
                    }
                    for j, (expr, legend) in enumerate(targets)
                ],
            }
        )
    return {
        "uid": "asinflow",
        "title": "asinflow pipeline",
        "tags": ["asinflow"],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "refresh": "10s",
        "time": {"from": "now-30m", "to": "now"},
        "panels": panels,
    }


def render() -> str:
    return json.dumps(dashboard(), indent=2) + "\n"


if __name__ == "__main__":
    OUT.write_text(render())
