"""``asinflow report BATCH_ID``: the feed processing report."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import click
from asinflow_lifecycle_ledger.adapters import queries

from asinflow_cli import connect, stackfile
from asinflow_cli.render import report_text
from asinflow_cli.roster import SETTLED_STATES


@click.command("report")
@click.argument("batch_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def report(batch_id: str, as_json: bool) -> None:
    """Per line: SKU, state and issues; then the summary."""

    async def main() -> dict[str, Any]:
        async with connect.database(stackfile.resolve()) as pool:
            return await queries.batch_report(pool, batch_id, SETTLED_STATES)

    result = asyncio.run(main())
    if not result["items"]:
        click.echo(f"no listings for batch {batch_id!r}", err=True)
        sys.exit(1)
    click.echo(json.dumps(result, indent=2) if as_json else report_text(result))
