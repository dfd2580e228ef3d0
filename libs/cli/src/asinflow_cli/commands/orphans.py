"""``asinflow orphans``: events that wait for something that has not come, with the reason, as their services
answer (the lifecycle ledger's ``GET /orphans``, brand gating's ``GET /orphans``)."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import click

from asinflow_cli import client


async def collect(c: client.Client, older_than_s: float | None) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    ledger = await c.get("lifecycle-ledger", "/orphans")
    found += ledger["orphans"]
    params = None if older_than_s is None else {"older_than_s": str(older_than_s)}
    registry = await c.get("brand-gating", "/orphans", params)
    found += registry["orphans"]
    return found


@click.command("orphans")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option(
    "--older-than",
    type=click.FloatRange(min=0),
    default=None,
    help="Registry events waiting longer than this many seconds (default: the brand-gating service's, 600; the "
    "ledger marks its own after ASINFLOW_LEDGER_ORPHAN_AFTER_S).",
)
def orphans(as_json: bool, older_than: float | None) -> None:
    """Events parked for a cause that never came (exit 1 when there are any)."""

    async def main() -> list[dict[str, Any]]:
        async with client.connected() as c:
            return await collect(c, older_than)

    found = asyncio.run(main())
    for o in found:
        if as_json:
            click.echo(json.dumps(o, ensure_ascii=False))
        else:
            subject = f"{o['seller_id']}/{o['sku']}" if "seller_id" in o else o["brand_key"]
            click.echo(f"{o['since']}  {o['service']}  {o['event_type']} {o['event_id']} ({subject}): {o['reason']}")
    if not as_json:
        click.echo(f"{len(found)} orphan(s)", err=True)
    sys.exit(1 if found else 0)
