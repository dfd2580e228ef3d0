"""`asinflow run` as a user starts it: the sample feed end to end, other commands find the stack through
`.asinflow/stack.env`, and nothing is left running after Ctrl-C or even `kill -9`. Ctrl-C is sent the way a
terminal sends it: SIGINT to the whole foreground process group, and no service log ends in a traceback.

The slower journeys (`run` itself killed with kill -9 here; a service killed, a crash loop, `run` killed mid-feed,
restarts on kept data in test_run_supervision.py) are marked `faults` (`make test-faults`)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from tests.support.cli import ASINFLOW, asinflow

pytestmark = pytest.mark.e2e

FEED = Path(__file__).parents[2] / "examples" / "feed.jsonl"
REGISTRY = Path(__file__).parents[2] / "examples" / "registry.jsonl"


def start_run(
    cwd: Path, *args: str, feed: Path | None = FEED, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """``asinflow run`` in ``cwd``, in a session of its own like a shell job (so a test can send SIGINT to its
    process group as a terminal does); stdout and stderr go to run.out and run.err (appended)."""
    base = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "REDIS_URL")}
    argv = [ASINFLOW, "run", "--registry", str(REGISTRY), *(["--feed", str(feed)] if feed else []), *args]
    return subprocess.Popen(
        argv,
        cwd=cwd,
        env=base | (env or {}),
        stdout=(cwd / "run.out").open("ab"),
        stderr=(cwd / "run.err").open("ab"),
        start_new_session=True,
    )


async def wait_output(
    proc: subprocess.Popen[bytes], cwd: Path, text: str, timeout: float = 120, count: int = 1
) -> None:
    """Until run.err holds ``text`` ``count`` times (run.err is appended to by successive runs)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (cwd / "run.err").read_text().count(text) >= count:
            return
        if proc.poll() is not None:
            raise AssertionError(f"run exited {proc.returncode}: {(cwd / 'run.err').read_text()}")
        await asyncio.sleep(0.2)
    raise AssertionError(f"no {text!r} after {timeout}s: {(cwd / 'run.err').read_text()}")


async def wait_serving(proc: subprocess.Popen[bytes], cwd: Path, timeout: float = 120, count: int = 1) -> None:
    await wait_output(proc, cwd, "serving;", timeout, count)


def ctrl_c(proc: subprocess.Popen[bytes]) -> None:
    """What a terminal does on Ctrl-C: SIGINT to the foreground process group (here: run's own)."""
    os.killpg(proc.pid, signal.SIGINT)


def tracebacks(cwd: Path) -> dict[str, str]:
    logs = (cwd / ".asinflow" / "logs").glob("*.log")
    return {log.name: log.read_text(errors="replace") for log in logs if "Traceback" in log.read_text(errors="replace")}


def descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def alive(processes: list[psutil.Process]) -> list[str]:
    left = []
    for p in processes:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{p.pid} {' '.join(p.cmdline()[:3])}")
        except psutil.NoSuchProcess:
            continue
    return left


async def wait_gone(processes: list[psutil.Process], timeout: float = 30) -> list[str]:
    deadline = time.monotonic() + timeout
    while (left := alive(processes)) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    return left


async def test_run_processes_the_sample_feed_serves_other_commands_and_stops_clean_on_ctrl_c(tmp_path) -> None:
    # Ctrl-C reaches run only (its children have sessions of their own): services stop first (SIGTERM), servers
    # last, so no service is cut off from its database mid-flight and no log ends in a traceback.
    proc = start_run(tmp_path)
    try:
        await wait_serving(proc, tmp_path)
        out = (tmp_path / "run.out").read_text()
        assert "Summary: 69 processed, 37 accepted, 32 invalid" in out
        assert (tmp_path / ".asinflow" / "stack.env").exists()

        status = await asinflow("status", cwd=tmp_path)
        assert status.code == 0, status.out + status.err
        report = await asinflow("report", "feed-2026-11-24-01", "--json", cwd=tmp_path)
        data = json.loads(report.out)
        assert (data["lines"], data["settled"]) == (69, 69)
        assert set(data["by_code"]) == {
            "SCHEMA_INVALID",
            "IDENTIFIER_INVALID_CHECKSUM",
            "IDENTIFIER_INVALID_FORMAT",
            "IDENTIFIER_NON_TRADE_PREFIX",
            "IDENTIFIER_CONFLICT",
            "IDENTIFIER_MISSING",
            "VARIATION_INVALID",
            "MULTIPACK_NOT_MANUFACTURER",
            "GTIN_BRAND_MISMATCH",  # MUG-BOL-01: its GS1 prefix is licensed to Acme (examples/registry.jsonl)
        }
        children = descendants(proc.pid)
        names = " ".join(" ".join(p.cmdline()) for p in children)
        for expected in (
            "tansu",
            "postgres",
            "redis-server",
            "asinflow_identifier_validation",
            "asinflow_lifecycle_ledger",
            "asinflow_duplicate_matching",
            "asinflow_brand_gating",
            "asinflow_creation_quota",
            "asinflow_catalog",
            "asinflow_activation",
        ):
            assert expected in names

        ctrl_c(proc)
        assert proc.wait(60) == 0
        assert await wait_gone(children) == []
        assert not (tmp_path / ".asinflow" / "stack.env").exists()
        assert "stopping: services first, then the servers" in (tmp_path / "run.err").read_text()
        assert tracebacks(tmp_path) == {}
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.faults  # 27 s, most of it starting the stack; `make test-faults`
async def test_servers_and_services_die_with_a_killed_run(tmp_path) -> None:
    proc = start_run(tmp_path)
    try:
        await wait_serving(proc, tmp_path)
        children = descendants(proc.pid)
        assert len(children) >= 5
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        assert await wait_gone(children) == []
        stale = await asinflow("status", cwd=tmp_path)  # the stack file names a dead run: ignored
        assert stale.code != 0 and "not configured" in stale.err
    finally:
        if proc.poll() is None:
            proc.kill()


async def test_run_once_json_prints_the_summary_and_exits(tmp_path) -> None:
    result = await asinflow(
        "run", "--registry", str(REGISTRY), "--feed", str(FEED), "--once", "--json", cwd=tmp_path, timeout=120
    )
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    assert summary["listings"] == 69
    assert sum(summary["by_state"].values()) == 69
    assert summary["by_state"] == {"active": 35, "inactive": 2, "rejected": 32}
    assert summary["by_code"]["IDENTIFIER_NON_TRADE_PREFIX"] == 8
    assert summary["elapsed_s"] > 0
    assert not (tmp_path / ".asinflow" / "stack.env").exists()  # --once serves nobody afterwards
