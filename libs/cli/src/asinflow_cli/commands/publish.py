"""``asinflow publish FILE.jsonl``: per-line errors with line numbers, progress, or ``--preview`` (dry run: every
line through the running services' previews, ``asinflow_cli.preview``)."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import click
from asinflow_runtime.settings import InfraSettings

from asinflow_cli import connect, stackfile
from asinflow_cli.feed import FeedFileError, FeedLine, describe_problem, publish_lines, read_feed_file
from asinflow_cli.render import report_text

PROGRESS_FROM = 1000


async def publish_feed(settings: InfraSettings, lines: list[FeedLine], show_progress: bool) -> int:
    async with connect.producer(settings) as producer:
        if not show_progress:
            return await publish_lines(producer, lines)
        publishable = sum(1 for line in lines if line.publishable)
        if sys.stderr.isatty():
            with click.progressbar(length=publishable, label="publishing", file=sys.stderr) as bar:
                return await publish_lines(producer, lines, progress=bar.update)
        return await publish_lines(producer, lines, progress=LogProgress(publishable))


class LogProgress:
    """Progress as plain lines, for logs and pipes where a bar cannot redraw itself."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0

    def __call__(self, n: int) -> None:
        self.done += n
        click.echo(f"publishing: {self.done}/{self.total} ({100 * self.done // max(self.total, 1)}%)", err=True)


def report_problems(lines: list[FeedLine]) -> int:
    """Print each bad line's problem to stderr; returns how many lines cannot be published."""
    for line in lines:
        problem = describe_problem(line)
        if problem:
            click.echo(problem, err=True)
    return sum(1 for line in lines if not line.publishable)


@click.command("publish")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--preview",
    is_flag=True,
    help="Ask the running services what each line would become (every check, no effect); publish nothing.",
)
@click.option("--json", "as_json", is_flag=True, help="With --preview: print the report as JSON.")
def publish(file: Path, preview: bool, as_json: bool) -> None:
    """Publish a JSON Lines feed of listing.proposed v1 events."""
    try:
        lines = read_feed_file(file)
    except FeedFileError as exc:
        raise click.ClickException(str(exc)) from exc
    skipped = report_problems(lines)
    if preview:
        from asinflow_cli.preview import PreviewUnavailable, preview_report  # the owners' previews: only here

        try:
            result: dict[str, Any] = asyncio.run(preview_report(lines))
        except PreviewUnavailable as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(json.dumps(result, indent=2) if as_json else report_text(result))
        sys.exit(1 if skipped else 0)
    sent = asyncio.run(publish_feed(stackfile.resolve(), lines, show_progress=len(lines) >= PROGRESS_FROM))
    click.echo(
        f"published {sent} of {len(lines)} lines" + (f"; {skipped} not published (see above)" if skipped else "")
    )
    sys.exit(1 if skipped else 0)
