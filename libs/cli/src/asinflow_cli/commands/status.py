"""``asinflow status``: each service's readiness and counters; exit 0 when all are ready."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import click

from asinflow_cli import connect, health, stackfile
from asinflow_cli.roster import ROSTER

STALE_AFTER = timedelta(seconds=10)


async def service_status(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    try:
        rows = {r["service"]: r for r in await pool.fetch("SELECT * FROM ops.service_heartbeat")}
    except asyncpg.UndefinedTableError:
        rows = {}
    now = datetime.now(UTC)
    result = []
    for service in ROSTER:
        row = rows.get(service.name)
        fresh = row is not None and now - row["beat_at"] < STALE_AFTER
        result.append(
            {
                "service": service.name,
                "ready": bool(row and row["ready"] and fresh),
                "last_heartbeat": row["beat_at"].isoformat() if row else None,
                "instance": row["instance"] if row else None,
                "reason": _reason(row, fresh),
                "counters": json.loads(row["counters"]) if row else {},
            }
        )
    return result


def _reason(row: asyncpg.Record | None, fresh: bool) -> str | None:
    """Why a service is not ready (or what it reports while ready, such as an outbox relay problem)."""
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
        servers = await health.check(settings)
        if not all(s["ok"] for s in servers if s["server"] == "postgres"):
            return servers, []
        async with connect.database(settings) as pool:
            return servers, await service_status(pool)

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
            counters = " ".join(f"{k}={c[k]}" for k in shown if c.get(k) or k in ("consumed", "applied"))
            click.echo(f"{r['service']:<24} {'ready' if r['ready'] else 'NOT READY':<10} {counters}")
            if r["reason"]:
                click.echo(f"{'':<24} {r['reason']}")
    healthy = all(s["ok"] for s in servers) and bool(rows) and all(r["ready"] for r in rows)
    sys.exit(0 if healthy else 1)
