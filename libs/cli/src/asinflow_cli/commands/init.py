"""``asinflow init``: the topics and every service's migrations (the docker compose init job)."""

from __future__ import annotations

import asyncio

import click

from asinflow_cli import stackfile
from asinflow_cli.setup import initialise


@click.command("init")
def init() -> None:
    """Create the topics and apply every service's migrations on the configured servers."""
    applied = asyncio.run(initialise(stackfile.resolve()))
    click.echo(f"topics ready; {len(applied)} migration(s) applied")
