"""Readiness over HTTP follows the database (issue 12): a service's /readyz turns false within seconds when
PostgreSQL stops and true again when it returns, and `asinflow status` says which check fails."""

from __future__ import annotations

import asyncio
import json
import os
import time
import urllib.error
import urllib.request

import pytest
from asinflow_runtime.embedded.processes import free_port

from tests.e2e.conftest import ServiceProcess
from tests.support.cli import asinflow

pytestmark = pytest.mark.e2e


async def readyz(url: str) -> tuple[int, dict]:
    def fetch() -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())
        except OSError:
            return 0, {}

    return await asyncio.to_thread(fetch)


async def until_status(url: str, status: int, timeout: float) -> tuple[float, dict]:
    """Poll /readyz until it answers ``status``; (seconds it took, body)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        code, body = await readyz(url)
        if code == status:
            return time.monotonic() - started, body
        await asyncio.sleep(0.2)
    raise AssertionError(f"/readyz never answered {status} within {timeout}s")


async def test_readiness_turns_false_when_postgres_stops_and_true_when_it_returns(
    own_stack, own_pool, tmp_path
) -> None:
    settings = own_stack.settings
    port = free_port()
    catalog = ServiceProcess("asinflow_catalog", settings, tmp_path)
    catalog.env["ASINFLOW_HTTP_PORT"] = str(port)
    url = f"http://127.0.0.1:{port}"
    # what `asinflow run` writes for the other commands: the stack, its pid (ours here), the endpoints
    state = tmp_path / ".asinflow"
    state.mkdir()
    lines = [f"{k}={v}" for k, v in settings.as_env().items()]
    (state / "stack.env").write_text(
        "\n".join([*lines, f"ASINFLOW_RUN_PID={os.getpid()}", f"ASINFLOW_HTTP_CATALOG={url}"])
    )
    catalog.start()
    postgres = own_stack.server("postgres")
    try:
        await until_status(url, 200, timeout=60)
        postgres.pause()
        _, body = await until_status(url, 503, timeout=15)  # "within seconds": the check has a 2 s timeout
        assert body["checks"]["postgres"] != "ok" and body["checks"]["kafka"] == "ok"
        status = await asinflow("status", "--json", cwd=tmp_path)
        assert status.code == 1
        report = json.loads(status.out)
        assert {s["server"]: s["ok"] for s in report["servers"]}["postgres"] is False
        mine = next(s for s in report["services"] if s["service"] == "catalog")
        assert mine["ready"] is False and "postgres" in mine["reason"]

        postgres.resume()
        await until_status(url, 200, timeout=30)
        status = await asinflow("status", "--json", cwd=tmp_path)
        mine = next(s for s in json.loads(status.out)["services"] if s["service"] == "catalog")
        assert mine["ready"] is True and mine["endpoint"] == url
    finally:
        catalog.stop()
