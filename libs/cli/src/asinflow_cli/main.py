"""The ``asinflow`` command line (DESIGN §6)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import click
from aiokafka.errors import KafkaConnectionError
from asinflow_runtime.settings import NotConfigured
from pydantic import ValidationError

from asinflow_cli import stackfile
from asinflow_cli.commands.brand import brand_group
from asinflow_cli.commands.catalog import catalog_group
from asinflow_cli.commands.dlq import dlq_group
from asinflow_cli.commands.idcheck import id_group
from asinflow_cli.commands.listing import listing_group
from asinflow_cli.commands.match import match_group
from asinflow_cli.commands.operations import inventory_group, policy_group
from asinflow_cli.commands.orphans import orphans
from asinflow_cli.commands.outbox import outbox_group
from asinflow_cli.commands.publish import publish
from asinflow_cli.commands.quota import quota_group, sales_group
from asinflow_cli.commands.report import report
from asinflow_cli.commands.run import run
from asinflow_cli.commands.status import status
from asinflow_cli.commands.subscribe import subscribe_group
from asinflow_cli.errors import validation_message
from asinflow_cli.publishing import NotApplied
from asinflow_cli.setup import initialise


class Cli(click.Group):
    """Turns the errors a user can act on into one clear line instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (NotConfigured, NotApplied) as exc:
            raise click.ClickException(str(exc)) from exc
        except ValidationError as exc:  # an event built from the arguments breaks its contract
            raise click.ClickException(f"invalid input: {validation_message(exc)}") from exc
        except UnicodeDecodeError as exc:  # commands name the file and line; this is the last resort
            raise click.ClickException(f"not UTF-8 text: {exc.reason} at byte {exc.start}") from exc
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as exc:
            raise click.ClickException(f"{exc.filename}: {exc.strerror}") from exc
        except (OSError, KafkaConnectionError) as exc:
            raise click.ClickException(
                f"cannot reach the stack ({exc}); is `asinflow run` still running, are the URLs right?"
            ) from exc


@click.group(cls=Cli)
@click.option("-v", "--verbose", is_flag=True, help="Log what happens underneath.")
def cli(verbose: bool) -> None:
    """asinflow: the lifecycle of marketplace product listings, as event-driven services."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


@cli.command("init")
def init() -> None:
    """Create the topics and apply every service's migrations on the configured servers."""
    applied = asyncio.run(initialise(stackfile.resolve()))
    click.echo(f"topics ready; {len(applied)} migration(s) applied")


for command in (run, publish, report, status, init, orphans):
    cli.add_command(command)
for group in (
    listing_group,
    id_group,
    dlq_group,
    outbox_group,
    brand_group,
    catalog_group,
    inventory_group,
    policy_group,
    subscribe_group,
    match_group,
    quota_group,
    sales_group,
):
    cli.add_command(group)
