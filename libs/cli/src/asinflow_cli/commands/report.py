"""``asinflow report BATCH_ID``: the feed processing report, as the lifecycle ledger answers it
(``GET /feeds/{batch_id}/report``)."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import click

from asinflow_cli import client
from asinflow_cli.render import report_text


@click.command("report")
@click.argument("batch_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def report(batch_id: str, as_json: bool) -> None:
    """Per line: SKU, state and issues; then the summary."""

    async def main() -> dict[str, Any] | None:
        async with client.connected() as c:
            found: dict[str, Any] | None = await c.get("lifecycle-ledger", f"/feeds/{client.segment(batch_id)}/report")
            return found

    result = asyncio.run(main())
    if result is None or not result["items"]:
        click.echo(f"no listings for batch {batch_id!r}", err=True)
        sys.exit(1)
    click.echo(json.dumps(result, indent=2) if as_json else report_text(result))
