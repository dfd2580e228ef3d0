"""``asinflow run``: the embedded stack (or the configured servers), every service, optionally a feed."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import click
from asinflow_lifecycle_ledger.adapters import queries
from asinflow_runtime.embedded import EmbeddedStack
from asinflow_runtime.settings import InfraSettings

from asinflow_cli import connect, stackfile
from asinflow_cli.commands.publish import publish_feed, report_problems
from asinflow_cli.feed import FeedLine, read_feed
from asinflow_cli.registry_file import publish_registry, read_registry
from asinflow_cli.render import summary_text
from asinflow_cli.services import SETTLED_STATES
from asinflow_cli.setup import initialise
from asinflow_cli.supervisor import Supervisor


async def wait_settled(
    settings: InfraSettings, ids: list[uuid.UUID], sup: Supervisor, timeout: float
) -> dict[str, Any]:
    async with connect.database(settings) as pool:
        await sup.wait_ready(pool)
        deadline = time.monotonic() + timeout
        while True:
            rows = await queries.proposals_state(pool, ids)
            settled = [r for r in rows if r["state"] in SETTLED_STATES]
            if len(settled) == len(ids) or time.monotonic() > deadline:
                return {"rows": rows, "settled": len(settled)}
            if dead := sup.dead():
                raise RuntimeError(f"service(s) exited: {dead}")
            await asyncio.sleep(0.2)


def summary(rows: list[dict[str, Any]], expected: int, elapsed: float) -> dict[str, Any]:
    result = queries.summarise(rows, SETTLED_STATES)
    return {"listings": expected, **result, "elapsed_s": round(elapsed, 2)}


async def start_and_feed(
    settings: InfraSettings, sup: Supervisor, feed: Path | None, as_json: bool, registry: Path | None = None
) -> int:
    started = time.monotonic()
    await initialise(settings)
    sup.start_all()
    async with connect.database(settings) as pool:
        await sup.wait_ready(pool)
    if not as_json:
        click.echo(f"services ready in {time.monotonic() - started:.1f}s: {', '.join(sup.procs)}", err=True)
    if registry is not None:
        refused = await publish_registry(settings, read_registry(registry))
        for line in refused:
            click.echo(f"{registry}: {line}", err=True)
    if feed is None:
        return 0
    lines: list[FeedLine] = list(read_feed(feed))
    skipped = report_problems(lines)
    await publish_feed(settings, lines, show_progress=len(lines) >= 1000 and not as_json)
    ids = list(dict.fromkeys(line.event_id for line in lines if line.publishable))
    outcome = await wait_settled(settings, ids, sup, timeout=120)
    result = summary(outcome["rows"], len(ids), time.monotonic() - started)
    if as_json:
        click.echo(
            json.dumps(
                {k: result[k] for k in ("listings", "by_state", "by_code", "elapsed_s")}
                | {"settled": outcome["settled"], "unreadable_lines": skipped}
            )
        )
    else:
        click.echo(summary_text(result))
        click.echo(
            f"settled {outcome['settled']} of {len(ids)} listings in {result['elapsed_s']}s"
            + (f"; {skipped} unreadable line(s) not published" if skipped else "")
        )
    return 0 if outcome["settled"] == len(ids) else 1


def _stop_like_ctrl_c(signum: int, frame: object) -> None:
    """SIGTERM (docker stop, systemd, timeout) stops everything the way Ctrl-C does."""
    raise KeyboardInterrupt


@click.command("run")
@click.option("--feed", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Publish this feed.")
@click.option(
    "--registry",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Brand-registry events to publish first (JSON Lines, see `asinflow brand load`).",
)
@click.option("--once", is_flag=True, help="Exit when every listing of the feed is settled.")
@click.option("--json", "as_json", is_flag=True, help="With --once: print the summary as JSON.")
def run(feed: Path | None, registry: Path | None, once: bool, as_json: bool) -> None:
    """Start the stack (embedded unless URLs are set) and every service; Ctrl-C stops everything."""
    stack = EmbeddedStack()
    settings = stack.start()
    sup = Supervisor(settings, stackfile.STATE_DIR / "logs")
    # SIGINT too: a shell that starts `run` in the background makes it ignore SIGINT otherwise
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _stop_like_ctrl_c)
    code = 0
    try:
        if not once:
            stackfile.write(settings, os.getpid())
        if not as_json:
            embedded = ", ".join(stack.embedded) or "none"
            click.echo(
                f"stack: {settings.kafka_bootstrap_servers} | {settings.database_url} | {settings.redis_url}"
                f" (embedded: {embedded})",
                err=True,
            )
        code = asyncio.run(start_and_feed(settings, sup, feed, as_json, registry))
        if not once:
            click.echo("serving; other asinflow commands in this directory use this stack. Ctrl-C to stop.", err=True)
            while not sup.dead():
                time.sleep(0.5)
            click.echo(f"service(s) exited: {sup.dead()}; see {sup.log_dir}/", err=True)
            code = 1
    except KeyboardInterrupt:
        click.echo("stopping", err=True)
    finally:
        sup.stop_all()
        stackfile.remove(os.getpid())
        stack.stop()
    sys.exit(code)
