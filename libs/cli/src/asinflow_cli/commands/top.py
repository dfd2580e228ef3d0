"""``asinflow top``: live rates, lag and latency per service, read from each service's ``/metrics``."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from typing import Any

import click

from asinflow_cli import probe, stackfile
from asinflow_cli.roster import ROSTER


async def endpoints() -> dict[str, str]:
    urls = stackfile.service_urls()
    if urls:
        return urls
    from asinflow_cli.commands.status import heartbeats

    rows = await heartbeats(stackfile.resolve())
    return {name: row["http_url"] for name, row in rows.items() if row["http_url"]}


async def scrape(urls: dict[str, str]) -> dict[str, probe.Samples | None]:
    names = [s.name for s in ROSTER if s.name in urls]
    found = await asyncio.gather(*(probe.metrics(urls[n]) for n in names))
    return dict(zip(names, found, strict=True))


def table(before: dict[str, Any], after: dict[str, Any], seconds: float) -> list[dict[str, Any]]:
    rows = []
    for name, now in after.items():
        then = before.get(name)
        if now is None or then is None:
            rows.append({"service": name, "up": False})
            continue

        p50 = probe.quantile(then, now, "asinflow_event_age_seconds", 0.5)
        p99 = probe.quantile(then, now, "asinflow_event_age_seconds", 0.99)
        rows.append(
            {
                "service": name,
                "up": True,
                "ready": probe.total(now, "asinflow_ready") == 1,
                "applied_per_s": _rate(then, now, "asinflow_applied_events_total", seconds),
                "emitted_per_s": _rate(then, now, "asinflow_emitted_events_total", seconds),
                "dead_letters_per_s": _rate(then, now, "asinflow_dead_letters_total", seconds),
                "lag": int(probe.total(now, "asinflow_consumer_lag_records")),
                "age_p50_s": p50,
                "age_p99_s": p99,
                "outbox_pending": int(probe.total(now, "asinflow_outbox_pending_rows")),
            }
        )
    return rows


def _rate(before: probe.Samples, after: probe.Samples, metric: str, seconds: float) -> float:
    return (probe.total(after, metric) - probe.total(before, metric)) / seconds


def render(rows: list[dict[str, Any]]) -> str:
    def seconds(value: float | None) -> str:
        return "-" if value is None else f"{value * 1000:.0f}ms" if value < 10 else f"{value:.0f}s"

    lines = [
        f"{'service':<22} {'ready':<6} {'applied/s':>9} {'emitted/s':>9} {'dlq/s':>6} {'lag':>7} "
        f"{'age p50':>8} {'age p99':>8} {'outbox':>6}"
    ]
    for r in rows:
        if not r["up"]:
            lines.append(f"{r['service']:<22} {'DOWN':<6} (its endpoint does not answer)")
            continue
        lines.append(
            f"{r['service']:<22} {'yes' if r['ready'] else 'NO':<6} {r['applied_per_s']:>9.1f} "
            f"{r['emitted_per_s']:>9.1f} {r['dead_letters_per_s']:>6.1f} {r['lag']:>7} "
            f"{seconds(r['age_p50_s']):>8} {seconds(r['age_p99_s']):>8} {r['outbox_pending']:>6}"
        )
    return "\n".join(lines)


@click.command("top")
@click.option("--interval", type=click.FloatRange(min=0.5), default=2.0, show_default=True, help="Seconds per refresh.")
@click.option("--once", is_flag=True, help="Print one table (over one interval) and exit.")
def top(interval: float, once: bool) -> None:
    """Live rates, consumer lag and event age (latency per hop) of every service, from their /metrics."""

    async def main() -> None:
        urls = await endpoints()
        if not urls:
            raise click.ClickException("no service endpoints known: is `asinflow run` running in this directory?")
        before, then = await scrape(urls), time.monotonic()
        while True:
            await asyncio.sleep(interval)
            after, now = await scrape(urls), time.monotonic()
            text = render(table(before, after, now - then))
            if once or not sys.stdout.isatty():
                click.echo(text)
                if once:
                    return
            else:
                click.clear()
                click.echo(f"asinflow top — every {interval:g}s, Ctrl-C to quit\n{text}")
            before, then = after, now

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
