"""`asinflow run` under faults, on the durable embedded stack, as an operator meets them: a service killed with
`kill -9` is restarted and the feed still settles; a service that cannot start makes `run` give up on the
crash loop, naming it; `run` itself killed mid-feed and started again ends exactly where a run without the
crash ends, nothing applied twice; a stopped `run` resumes its data, a second `run` on the same data is
refused, and `--fresh` starts empty.

Each journey takes 20 s to 2 min, so they are marked `faults` and run only when asked for
(`pytest tests/e2e -m faults`); each works in its own temporary directory.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
from pathlib import Path

import asyncpg
import psutil
import pytest

from tests.e2e.test_run_journey import FEED, ctrl_c, start_run, tracebacks, wait_output, wait_serving
from tests.support.cli import asinflow

pytestmark = [pytest.mark.e2e, pytest.mark.faults, pytest.mark.timeout(420)]

GENERATED_BATCH = "gen-feed-01"


def ean13(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def generated_feed(path: Path, sellers: int = 60, per_seller: int = 20) -> Path:
    """The sample feed plus ``sellers`` × ``per_seller`` distinct products (a brand each, within each new
    seller's weekly quota), so the outcome of every line is the same whatever the order of processing."""
    lines = FEED.read_text().splitlines()
    for s in range(sellers):
        for k in range(per_seller):
            n = s * per_seller + k
            proposal = {
                "seller_id": f"G-{s:03d}",
                "sku": f"GEN-{n:05d}",
                "title": f"Genbrand{n} Desk Lamp L{n}",
                "brand": f"Genbrand{n}",
                "product_type": "LAMP",
                "model_number": f"L{n}",
                "identifiers": [{"type": "EAN", "value": ean13(f"4006{n:08d}")}],
                "batch_id": GENERATED_BATCH,
                "quantity": 0 if n % 7 == 0 else 3,
            }
            lines.append(json.dumps(proposal))
    path.write_text("\n".join(lines) + "\n")
    return path


def run_pid_children(proc: subprocess.Popen[bytes], module: str) -> psutil.Process:
    matches = [p for p in psutil.Process(proc.pid).children(recursive=True) if module in " ".join(p.cmdline())]
    assert matches, f"no {module} under run"
    return matches[0]


async def report(cwd: Path, batch: str) -> dict[tuple[str, str], tuple[str, tuple[str, ...], bool]]:
    result = await asinflow("report", batch, "--json", cwd=cwd)
    assert result.code in (0, 1), result.err
    data = json.loads(result.out)
    return {
        (item["seller_id"], item["sku"]): (
            item["state"],
            tuple(sorted(issue["code"] for issue in item["issues"])),
            item["asin"] is not None,
        )
        for item in data["items"]
    }


async def effect_counts(cwd: Path) -> dict[str, int]:
    """Rows of every service's inbox and outbox, and of the ledger's history: the same events applied once."""
    env = dict(line.split("=", 1) for line in (cwd / ".asinflow" / "stack.env").read_text().splitlines())
    conn = await asyncpg.connect(env["DATABASE_URL"])
    try:
        schemas = [
            r["table_schema"]
            for r in await conn.fetch("SELECT table_schema FROM information_schema.tables WHERE table_name = 'outbox'")
        ]
        tables = [(schema, table) for schema in schemas for table in ("inbox", "outbox")]
        tables += [
            (r["table_schema"], "history")
            for r in await conn.fetch("SELECT table_schema FROM information_schema.tables WHERE table_name = 'history'")
        ]
        return {f"{s}.{t}": await conn.fetchval(f'SELECT count(*) FROM "{s}"."{t}"') for s, t in sorted(tables)}
    finally:
        await conn.close()


async def stop(proc: subprocess.Popen[bytes]) -> None:
    ctrl_c(proc)
    assert await asyncio.to_thread(proc.wait, 90) == 0


async def test_a_service_killed_with_kill_9_is_restarted_and_the_feed_still_settles(tmp_path: Path) -> None:
    proc = start_run(tmp_path, "--once")
    try:
        await wait_output(proc, tmp_path, "services ready")
        ledger = run_pid_children(proc, "asinflow_lifecycle_ledger")
        ledger.send_signal(signal.SIGKILL)
        code = await asyncio.to_thread(proc.wait, 240)
        err = (tmp_path / "run.err").read_text()
        assert code == 0, err
        assert "lifecycle-ledger killed by SIGKILL" in err and "restarting in 0.5s (attempt 1" in err
        out = (tmp_path / "run.out").read_text()
        assert "settled 69 of 69 listings" in out
        assert "active 35, inactive 2, suppressed 0, rejected 32" in out
    finally:
        if proc.poll() is None:
            proc.kill()


async def test_a_service_that_cannot_start_makes_run_give_up_on_the_crash_loop(tmp_path: Path) -> None:
    # A broken deploy of one service, without a test hook in the product: a package on PYTHONPATH that extends
    # the real asinflow_catalog (so `run` imports it as usual) but whose `python -m` entry point fails.
    shadow = tmp_path / "shadow" / "asinflow_catalog"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("from pkgutil import extend_path\n__path__ = extend_path(__path__, __name__)\n")
    (shadow / "__main__.py").write_text("raise SystemExit('catalog: broken deploy (test)')\n")
    env = {"PYTHONPATH": str(tmp_path / "shadow")}
    started = time.monotonic()
    proc = start_run(tmp_path, "--once", "--max-restarts", "2", "--restart-window", "60", env=env)
    try:
        code = await asyncio.to_thread(proc.wait, 180)
        err = (tmp_path / "run.err").read_text()
        assert code == 1, err
        assert err.count("catalog exit code 1") == 3, err
        assert "restarting in 0.5s (attempt 1" in err and "restarting in 1s (attempt 2" in err
        assert (
            "catalog exit code 1 after 2 restarts within 60s: crash loop, giving up; see .asinflow/logs/catalog.log"
            in err
        )
        assert "broken deploy" in (tmp_path / ".asinflow" / "logs" / "catalog.log").read_text()
        assert time.monotonic() - started < 120
        assert not (tmp_path / ".asinflow" / "stack.env").exists()
    finally:
        if proc.poll() is None:
            proc.kill()


async def test_run_killed_mid_feed_and_started_again_ends_like_a_run_without_the_crash(tmp_path: Path) -> None:
    feed = generated_feed(tmp_path / "feed.jsonl")
    clean, crashed = tmp_path / "clean", tmp_path / "crashed"
    clean.mkdir()
    crashed.mkdir()

    proc = start_run(clean, feed=feed)
    try:
        await wait_serving(proc, clean, timeout=240)
        expected = {batch: await report(clean, batch) for batch in ("feed-2026-11-24-01", GENERATED_BATCH)}
        expected_counts = await effect_counts(clean)
        await stop(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert len(expected[GENERATED_BATCH]) == 1200

    proc = start_run(crashed, feed=feed)
    try:
        await wait_output(proc, crashed, "services ready")
        await asyncio.sleep(1.5)  # the registry is applied and the feed is being published and processed
        children = psutil.Process(proc.pid).children(recursive=True)
        proc.send_signal(signal.SIGKILL)
        await asyncio.to_thread(proc.wait, 10)
        assert "serving;" not in (crashed / "run.err").read_text(), "killed too late: the feed was already settled"
        await asyncio.to_thread(psutil.wait_procs, children, 60)
    finally:
        if proc.poll() is None:
            proc.kill()

    proc = start_run(crashed, feed=feed)  # the same directory: the same data, new ports
    try:
        await wait_serving(proc, crashed, timeout=240)
        for batch, listings in expected.items():
            assert await report(crashed, batch) == listings, batch
        assert await effect_counts(crashed) == expected_counts
        await stop(proc)
    finally:
        if proc.poll() is None:
            proc.kill()


async def test_a_stopped_run_resumes_its_data_a_second_run_is_refused_and_fresh_starts_empty(tmp_path: Path) -> None:
    proc = start_run(tmp_path)
    try:
        await wait_serving(proc, tmp_path)
        listings = await report(tmp_path, "feed-2026-11-24-01")
        quota = json.loads((await asinflow("quota", "show", "S-1001", "--json", cwd=tmp_path)).out)
        out = await asinflow("inventory", "set", "S-1001", "HP-BLK-01", "0", cwd=tmp_path)
        assert out.code == 0, out.err
        await stop(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert tracebacks(tmp_path) == {}
    assert quota["used"] > 0

    proc = start_run(tmp_path, feed=None)  # no feed: what is there was kept
    try:
        await wait_serving(proc, tmp_path, count=2)
        resumed = await report(tmp_path, "feed-2026-11-24-01")
        assert resumed.pop(("S-1001", "HP-BLK-01"))[0] == "inactive"
        listings.pop(("S-1001", "HP-BLK-01"))
        assert resumed == listings
        assert (
            json.loads((await asinflow("quota", "show", "S-1001", "--json", cwd=tmp_path)).out)["used"] == quota["used"]
        )

        second = await asinflow("run", cwd=tmp_path, timeout=60)
        assert second.code == 1
        assert "is in use by another process" in second.err and "Traceback" not in second.err
        await stop(proc)
    finally:
        if proc.poll() is None:
            proc.kill()

    proc = start_run(tmp_path, "--fresh", feed=None)
    try:
        await wait_serving(proc, tmp_path, count=3)
        empty = await asinflow("report", "feed-2026-11-24-01", "--json", cwd=tmp_path)
        assert empty.code == 1 and "no listings for batch" in empty.err
        assert json.loads((await asinflow("quota", "show", "S-1001", "--json", cwd=tmp_path)).out)["used"] == 0
        await stop(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert tracebacks(tmp_path) == {}
