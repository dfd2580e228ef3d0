"""``asinflow listing show`` and ``asinflow listing illegal``: read the lifecycle ledger."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime
from typing import Any

import click
from asinflow_activation.adapters.postgres import listing_activation
from asinflow_contracts.ids import listing_id
from asinflow_lifecycle_ledger.adapters import queries

from asinflow_cli import connect, stackfile
from asinflow_cli.render import listing_text


@click.group("listing")
def listing_group() -> None:
    """Listings as the lifecycle ledger knows them."""


@listing_group.command("show")
@click.argument("seller_id")
@click.argument("sku")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(seller_id: str, sku: str, as_json: bool) -> None:
    """State, ASIN, issues and history of one listing; buyability, violations and refused attempts."""

    async def main() -> dict[str, Any] | None:
        async with connect.database(stackfile.resolve()) as pool:
            view = await queries.listing_view(pool, seller_id, sku)
            if view is not None:
                today = datetime.now(UTC).date()
                view["activation"] = await listing_activation(pool, listing_id(seller_id, sku), today)
            return view

    view = asyncio.run(main())
    if view is None:
        click.echo(f"no listing {seller_id} / {sku}", err=True)
        sys.exit(1)
    click.echo(json.dumps(view, indent=2) if as_json else listing_text(view))


@listing_group.command("illegal")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def illegal(limit: int, as_json: bool) -> None:
    """Transitions the state machine refused (most recent first)."""

    async def main() -> list[dict[str, Any]]:
        async with connect.database(stackfile.resolve()) as pool:
            return await queries.illegal_transitions(pool, limit)

    rows = asyncio.run(main())
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        click.echo(f"{r['at'][:19]} {r['seller_id']} / {r['sku']} v{r['version']}: {r['error']}")
    if not rows:
        click.echo("no illegal transitions recorded")
