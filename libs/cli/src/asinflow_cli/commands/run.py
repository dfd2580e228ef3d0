"""``asinflow run``: the embedded stack (or the configured servers), every service supervised, optionally a feed.

Stopping (Ctrl-C, SIGTERM) is ordered: the services first (SIGTERM, then SIGKILL after a timeout), then the
servers: the broker, Redis, PostgreSQL last. See docs/operations.md."""

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
from asinflow_contracts.reports import summarise
from asinflow_runtime.embedded import EmbeddedStack
from asinflow_runtime.embedded.stack import DataDirInUse
from asinflow_runtime.settings import InfraSettings

from asinflow_cli import client, connect, stackfile
from asinflow_cli.commands.publish import publish_feed, report_problems
from asinflow_cli.feed import FeedFileError, FeedLine, read_feed_file
from asinflow_cli.registry_file import RegistryFileError, RegistryLine, publish_registry, read_registry
from asinflow_cli.render import summary_text
from asinflow_cli.roster import LISTINGS_API, SETTLED_STATES
from asinflow_cli.setup import initialise
from asinflow_cli.supervisor import CrashLoop, RestartPolicy, Supervisor

#: Where ``asinflow run`` keeps the embedded stack's data (PostgreSQL, Redis, the broker's messages).
DATA_DIR = stackfile.STATE_DIR / "data"
#: How long ``--once`` waits for the feed to settle (services may be restarted meanwhile).
SETTLE_TIMEOUT_S = 300.0


async def wait_settled(
    settings: InfraSettings, ids: list[uuid.UUID], sup: Supervisor, timeout: float
) -> dict[str, Any]:
    """Until every listing is settled (or ``timeout``). A service that exits meanwhile is restarted by the
    supervisor's watch, so the wait goes on; only a crash loop (raised by the watch) ends it early."""
    async with connect.database(settings) as pool:
        await sup.wait_ready(pool)
    from asinflow_runtime.owners import OwnerUnavailable

    async with client.connected(settings) as ledger:
        deadline = time.monotonic() + timeout
        rows: list[dict[str, Any]] = []
        while True:
            try:
                rows = await proposals_state(ledger, ids)
            except OwnerUnavailable:  # the ledger is being restarted by the supervisor: ask again
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)
                continue
            settled = [r for r in rows if r["state"] in SETTLED_STATES]
            if len(settled) == len(ids) or time.monotonic() > deadline:
                return {"rows": rows, "settled": len(settled)}
            await asyncio.sleep(0.2)


#: Proposals asked about in one request (the ledger answers at most 10,000 at a time).
PROPOSALS_PER_REQUEST = 5_000


async def proposals_state(ledger: client.Client, ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    """The state of the versions the proposals ``ids`` started, as the ledger answers (those it has seen)."""
    rows: list[dict[str, Any]] = []
    for start in range(0, len(ids), PROPOSALS_PER_REQUEST):
        chunk = [str(i) for i in ids[start : start + PROPOSALS_PER_REQUEST]]
        answer = await ledger.post("lifecycle-ledger", "/proposals/states", {"proposal_ids": chunk})
        rows += answer["proposals"]
    return rows


def summary(rows: list[dict[str, Any]], expected: int, elapsed: float) -> dict[str, Any]:
    result = summarise(rows, SETTLED_STATES)
    return {"listings": expected, **result, "elapsed_s": round(elapsed, 2)}


async def start_and_feed(
    settings: InfraSettings,
    sup: Supervisor,
    feed: list[FeedLine] | None,
    as_json: bool,
    registry: tuple[Path, list[RegistryLine]] | None = None,
) -> int:
    started = time.monotonic()
    await initialise(settings)
    sup.start_all()
    async with connect.database(settings) as pool:
        await sup.wait_ready(pool)
    if not as_json:
        click.echo(f"services ready in {time.monotonic() - started:.1f}s: {', '.join(sup.names)}", err=True)
        click.echo("endpoints (/livez, /readyz, /metrics; `asinflow top` follows them):", err=True)
        for name, url in sup.urls.items():
            click.echo(f"  {name:<24} {url}/metrics", err=True)
        if LISTINGS_API.name in sup.urls:
            api = sup.urls[LISTINGS_API.name]
            click.echo(f"listings API: {api} ({api}/docs; keys: asinflow api-key create --seller S)", err=True)
    if registry is not None:
        path, registry_lines = registry
        for line in await publish_registry(settings, registry_lines):
            click.echo(f"{path}: {line}", err=True)
    if feed is None:
        return 0
    skipped = report_problems(feed)
    await publish_feed(settings, feed, show_progress=len(feed) >= 1000 and not as_json)
    ids = list(dict.fromkeys(line.event_id for line in feed if line.publishable))
    outcome = await wait_settled(settings, ids, sup, timeout=SETTLE_TIMEOUT_S)
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


async def supervise(
    settings: InfraSettings,
    sup: Supervisor,
    feed: list[FeedLine] | None,
    registry: tuple[Path, list[RegistryLine]] | None,
    once: bool,
    as_json: bool,
) -> int:
    """Start the services and publish; with ``once`` return when the feed is settled, otherwise serve until
    interrupted. All along, the supervisor restarts exited services; a crash loop raises ``CrashLoop``."""
    watch = asyncio.ensure_future(sup.watch())
    work = asyncio.ensure_future(start_and_feed(settings, sup, feed, as_json, registry))
    try:
        await asyncio.wait({watch, work}, return_when=asyncio.FIRST_COMPLETED)
        if watch.done():
            watch.result()  # raises CrashLoop
        code = work.result()
        if once:
            return code
        click.echo("serving; other asinflow commands in this directory use this stack. Ctrl-C to stop.", err=True)
        await watch
        return code
    finally:
        for task in (watch, work):
            task.cancel()
        await asyncio.gather(watch, work, return_exceptions=True)


class StackNotStarted(RuntimeError):
    """A server of the embedded stack did not start (the message has the end of its log)."""


class _Signals:
    """SIGINT (Ctrl-C) and SIGTERM (docker stop, systemd, timeout) stop ``run`` the same way: the first one
    interrupts what it is doing; during the orderly stop that follows, another one only says to wait."""

    def __init__(self) -> None:
        self.stopping = False

    def install(self) -> None:
        # SIGINT too: a shell that starts `run` in the background makes it ignore SIGINT otherwise
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._handle)

    def _handle(self, signum: int, frame: object) -> None:
        if not self.stopping:
            self.stopping = True
            raise KeyboardInterrupt
        click.echo(f"still stopping (services first, then the servers); kill -9 {os.getpid()} to abandon", err=True)


def _read_inputs(
    feed: Path | None, registry: Path | None
) -> tuple[list[FeedLine] | None, tuple[Path, list[RegistryLine]] | None]:
    """Read the files before starting anything, so that a bad file costs no start-up."""
    try:
        registry_lines = (registry, read_registry(registry)) if registry is not None else None
        return (read_feed_file(feed) if feed is not None else None), registry_lines
    except (RegistryFileError, FeedFileError) as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("run")
@click.option("--feed", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Publish this feed.")
@click.option(
    "--registry",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Brand-registry events to publish first (JSON Lines, see `asinflow brand load`).",
)
@click.option("--once", is_flag=True, help="Exit when every listing of the feed is settled.")
@click.option("--json", "as_json", is_flag=True, help="With --once: print the summary as JSON.")
@click.option("--fresh", is_flag=True, help=f"Delete the embedded stack's data ({DATA_DIR}/) and start empty.")
@click.option(
    "--ephemeral",
    is_flag=True,
    help="A throwaway embedded stack in a temporary directory: nothing kept, durability settings off.",
)
@click.option(
    "--max-restarts",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    envvar="ASINFLOW_RUN_MAX_RESTARTS",
    help="Give up when a service needs more restarts than this within --restart-window.",
)
@click.option(
    "--restart-window",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    envvar="ASINFLOW_RUN_RESTART_WINDOW_S",
    help="Seconds over which restarts are counted for --max-restarts.",
)
def run(
    feed: Path | None,
    registry: Path | None,
    once: bool,
    as_json: bool,
    fresh: bool,
    ephemeral: bool,
    max_restarts: int,
    restart_window: float,
) -> None:
    """Start the stack (embedded unless URLs are set) and every service, restarting any that exits; Ctrl-C
    stops the services, then the servers. The embedded stack keeps its data in .asinflow/data."""
    if fresh and ephemeral:
        raise click.UsageError("--fresh and --ephemeral: an ephemeral stack is always fresh; choose one")
    feed_lines, registry_lines = _read_inputs(feed, registry)
    if ephemeral:
        stack = EmbeddedStack()
    else:
        stack = EmbeddedStack(workdir=stackfile.STATE_DIR / "servers", data_dir=DATA_DIR, fresh=fresh)
    policy = RestartPolicy(max_restarts=max_restarts, window_s=restart_window)
    signals = _Signals()
    signals.install()
    sup: Supervisor | None = None
    code = 0
    try:
        try:
            settings = stack.start()
        except (RuntimeError, TimeoutError) as exc:
            if isinstance(exc, DataDirInUse):
                raise
            raise StackNotStarted(f"the embedded stack did not start: {exc}") from exc
        sup = Supervisor(settings, stackfile.STATE_DIR / "logs", policy, say=lambda line: click.echo(line, err=True))
        if not once:
            stackfile.write(settings, os.getpid(), http=sup.urls)
        if not as_json:
            embedded = ", ".join(stack.embedded) or "none"
            kept = "ephemeral" if ephemeral or not stack.embedded else f"data in {DATA_DIR}/"
            click.echo(
                f"stack: {settings.kafka_bootstrap_servers} | {settings.database_url} | {settings.redis_url}"
                f" (embedded: {embedded}; {kept})",
                err=True,
            )
        code = asyncio.run(supervise(settings, sup, feed_lines, registry_lines, once, as_json))
    except KeyboardInterrupt:
        click.echo("stopping: services first, then the servers", err=True)
    except (DataDirInUse, StackNotStarted, CrashLoop, TimeoutError) as exc:
        click.echo(f"Error: {exc}", err=True)
        code = 1
    finally:
        signals.stopping = True
        if sup is not None:
            sup.stop_all()
        stackfile.remove(os.getpid())
        stack.stop()
    sys.exit(code)
