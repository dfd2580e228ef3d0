"""``asinflow status``: each server and service of the stack, and why what is not ready is not; exit 0 when all
are ready. A service's readiness is its own ``/readyz`` (broker, PostgreSQL, Redis, its consumer), found through
``.asinflow/stack.env`` (``asinflow run``) or its heartbeat row; the heartbeat alone when it does not answer."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import click

from asinflow_cli import connect, health, probe, stackfile
from asinflow_cli.roster import PROCESSES

STALE_AFTER = timedelta(seconds=10)


async def heartbeats(settings: Any) -> dict[str, Any]:
    """The services' heartbeat rows, or {} when PostgreSQL (or the table) is not there."""
    import asyncpg

    with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
        async with asyncio.timeout(5), connect.database(settings) as pool:
            return {r["service"]: r for r in await pool.fetch("SELECT * FROM ops.service_heartbeat")}
    return {}


async def service_status(settings: Any) -> list[dict[str, Any]]:
    rows = await heartbeats(settings)
    urls = stackfile.service_urls() or {name: row["http_url"] for name, row in rows.items() if row["http_url"]}
    answers = await asyncio.gather(*(probe.readiness(urls[s.name]) if s.name in urls else _none() for s in PROCESSES))
    now = datetime.now(UTC)
    result = []
    for service, answer in zip(PROCESSES, answers, strict=True):
        row = rows.get(service.name)
        fresh = row is not None and now - row["beat_at"] < STALE_AFTER
        if answer is not None:
            ready = bool(answer.get("ready"))
            failing = {k: v for k, v in answer.get("checks", {}).items() if v != "ok"}
            reason = "; ".join(f"{k}: {v}" for k, v in failing.items()) or (row["reason"] if row else None)
        else:
            ready = bool(row and row["ready"] and fresh)
            reason = _reason(row, fresh, service.name in urls)
        result.append(
            {
                "service": service.name,
                "ready": ready,
                "endpoint": urls.get(service.name),
                "last_heartbeat": row["beat_at"].isoformat() if row else None,
                "instance": row["instance"] if row else None,
                "reason": reason,
                "checks": answer.get("checks") if answer else None,
                "counters": json.loads(row["counters"]) if row else {},
            }
        )
    return result


async def _none() -> None:
    return None


def _reason(row: Any, fresh: bool, had_url: bool) -> str | None:
    """Why a service is not ready when only its heartbeat tells (or what it reports while ready)."""
    if had_url and (row is None or not fresh):
        return "its endpoint does not answer: not running"
    if row is None:
        return "no heartbeat: never started on this stack"
    if not fresh:
        return f"no heartbeat since {row['beat_at'].isoformat(timespec='seconds')}: not running"
    reason: str | None = row["reason"]
    return reason


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(as_json: bool) -> None:
    """Readiness of every service of the stack."""

    async def main() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        settings = stackfile.resolve()
        servers, services = await asyncio.gather(health.check(settings), service_status(settings))
        return servers, services

    servers, rows = asyncio.run(main())
    if as_json:
        click.echo(json.dumps({"servers": servers, "services": rows}, indent=2))
    else:
        for s in servers:
            click.echo(
                f"{s['server']:<24} {'ok' if s['ok'] else 'DOWN':<10} {s['url']}"
                + (f"  {s['error']}" if s["error"] else "")
            )
        for r in rows:
            c = r["counters"]
            shown = ("consumed", "applied", "duplicates", "dead_lettered", "outbox_pending", "outbox_failed")
            # the listings API consumes nothing: its heartbeat has no consumer counters
            counters = " ".join(f"{k}={c[k]}" for k in shown if c.get(k) or (k in ("consumed", "applied") and k in c))
            click.echo(f"{r['service']:<24} {'ready' if r['ready'] else 'NOT READY':<10} {counters}")
            if r["reason"]:
                click.echo(f"{'':<24} {r['reason']}")
    healthy = all(s["ok"] for s in servers) and bool(rows) and all(r["ready"] for r in rows)
    sys.exit(0 if healthy else 1)
