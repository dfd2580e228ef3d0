"""``asinflow outbox``: events written but not on the broker yet (pending) or refused by it (failed)."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import asyncpg
import click
from asinflow_runtime.outbox import Outbox

from asinflow_cli import connect, stackfile
from asinflow_cli.roster import ROSTER


async def _each(pool: asyncpg.Pool, service: str | None) -> list[tuple[str, Outbox]]:
    chosen = [(s.name, Outbox(s.schema)) for s in ROSTER if service in (None, s.name)]
    if service is not None and not chosen:
        raise click.BadParameter(f"no service {service!r}; one of {', '.join(s.name for s in ROSTER)}")
    return chosen


@click.group("outbox", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per failed row.")
@click.pass_context
def outbox_group(ctx: click.Context, as_json: bool) -> None:
    """Pending and failed outbox rows of every service (exit 1 when a row failed)."""
    if ctx.invoked_subcommand is not None:
        return

    async def main() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        counts, failed = [], []
        async with connect.database(stackfile.resolve()) as pool:
            for name, box in await _each(pool, None):
                try:
                    pending, n_failed = await box.counts(pool)
                    rows = await box.failed(pool)
                except asyncpg.UndefinedTableError:
                    continue
                counts.append({"service": name, "pending": pending, "failed": n_failed})
                failed += [
                    {
                        "service": name,
                        **{
                            k: (str(v) if k in ("event_id", "created_at", "failed_at") else v)
                            for k, v in dict(r).items()
                        },
                    }
                    for r in rows
                ]
        return counts, failed

    counts, failed = asyncio.run(main())
    if as_json:
        for row in failed:
            click.echo(json.dumps(row))
    else:
        for c in counts:
            click.echo(f"{c['service']:<24} pending={c['pending']} failed={c['failed']}")
        for row in failed:
            click.echo(f"  {row['service']} #{row['seq']} {row['topic']} ({row['size']:,} bytes): {row['error']}")
        if failed:
            click.echo("fix the cause, then `asinflow outbox retry`", err=True)
    sys.exit(1 if failed else 0)


@outbox_group.command("retry")
@click.argument("service", required=False)
def outbox_retry(service: str | None) -> None:
    """Make failed rows pending again (all services, or SERVICE); the relay publishes them."""

    async def main() -> int:
        total = 0
        async with connect.database(stackfile.resolve()) as pool:
            for _, box in await _each(pool, service):
                try:
                    total += await box.retry_failed(pool)
                except asyncpg.UndefinedTableError:
                    continue
        return total

    click.echo(f"{asyncio.run(main())} failed row(s) pending again")
