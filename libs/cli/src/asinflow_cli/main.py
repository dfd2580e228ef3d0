"""The ``asinflow`` command line (DESIGN §6).

Starting it is cheap: a command's module, and with it the services, drivers and libraries the command uses, is
imported only when that command runs. ``asinflow --help`` reads the one-line helps from ``COMMANDS``.
"""

from __future__ import annotations

import logging
from typing import Any

import click

from asinflow_cli.errors import user_message
from asinflow_cli.lazy import LazyCommand, LazyGroup

#: Every command: where it lives and the first paragraph of its docstring (tests/unit/test_cli_imports.py checks both).
COMMANDS: dict[str, LazyCommand] = {
    "api-key": LazyCommand(
        "asinflow_cli.commands.apikey",
        "api_key_group",
        "Keys of the listings API: a seller's (its own listings only) or an operator's.",
    ),
    "brand": LazyCommand(
        "asinflow_cli.commands.brand",
        "brand_group",
        "The brand registry: brands, owners, authorised sellers, GS1 prefixes, exemptions, approvals.",
    ),
    "catalog": LazyCommand("asinflow_cli.commands.catalog", "catalog_group", "The catalog (ASIN registry)."),
    "dlq": LazyCommand(
        "asinflow_cli.commands.dlq", "dlq_group", "Dead letters: messages no service could read, with the reason."
    ),
    "id": LazyCommand("asinflow_cli.commands.idcheck", "id_group", "Product identifiers."),
    "init": LazyCommand(
        "asinflow_cli.commands.init",
        "init",
        "Create the topics and apply every service's migrations on the configured servers.",
    ),
    "inventory": LazyCommand("asinflow_cli.commands.operations", "inventory_group", "Stock of listings."),
    "listing": LazyCommand(
        "asinflow_cli.commands.listing", "listing_group", "Listings as the lifecycle ledger knows them."
    ),
    "match": LazyCommand(
        "asinflow_cli.commands.match",
        "match_group",
        "The duplicate matcher: fit it on a Magellan-layout benchmark folder and measure it.",
    ),
    "orphans": LazyCommand(
        "asinflow_cli.commands.orphans",
        "orphans",
        "Events parked for a cause that never came (exit 1 when there are any).",
    ),
    "outbox": LazyCommand(
        "asinflow_cli.commands.outbox",
        "outbox_group",
        "Pending and failed outbox rows of every service (exit 1 when a row failed).",
    ),
    "policy": LazyCommand("asinflow_cli.commands.operations", "policy_group", "Policy violations and reactivation."),
    "publish": LazyCommand(
        "asinflow_cli.commands.publish", "publish", "Publish a JSON Lines feed of listing.proposed v1 events."
    ),
    "quota": LazyCommand("asinflow_cli.commands.quota", "quota_group", "Weekly creation quotas."),
    "report": LazyCommand(
        "asinflow_cli.commands.report", "report", "Per line: SKU, state and issues; then the summary."
    ),
    "run": LazyCommand(
        "asinflow_cli.commands.run",
        "run",
        "Start the stack (embedded unless URLs are set) and every service, restarting any that exits; Ctrl-C "
        "stops the services, then the servers. The embedded stack keeps its data in .asinflow/data.",
    ),
    "sales": LazyCommand(
        "asinflow_cli.commands.quota", "sales_group", "Seller sales history (it sets the weekly creation limits)."
    ),
    "status": LazyCommand("asinflow_cli.commands.status", "status", "Readiness of every service of the stack."),
    "top": LazyCommand(
        "asinflow_cli.commands.top",
        "top",
        "Live rates, consumer lag and event age (latency per hop) of every service, from their /metrics.",
    ),
    "subscribe": LazyCommand("asinflow_cli.commands.subscribe", "subscribe_group", "Follow events live."),
}


class Cli(LazyGroup):
    """Turns the errors a user can act on into one clear line instead of a traceback (see ``errors.user_message``)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            message = user_message(exc)
            if message is None:
                raise
            raise click.ClickException(message) from exc


@click.group(cls=Cli, lazy_commands=COMMANDS)
@click.option("-v", "--verbose", is_flag=True, help="Log what happens underneath.")
def cli(verbose: bool) -> None:
    """asinflow: the lifecycle of marketplace product listings, as event-driven services."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
