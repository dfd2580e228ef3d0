"""``asinflow orphans``: events that wait for something that has not come, with the reason."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from typing import Any

import asyncpg
import click
from asinflow_brand_gating.adapters import postgres as registry
from asinflow_lifecycle_ledger.adapters import queries as ledger
from asinflow_lifecycle_ledger.handlers import ORPHAN_AFTER_S

from asinflow_cli import connect, stackfile


async def collect(pool: asyncpg.Pool, older_than_s: float) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    with contextlib.suppress(asyncpg.UndefinedTableError):
        found += await ledger.orphans(pool)
    try:
        rows = await registry.waiting_since(pool, older_than_s)
    except asyncpg.UndefinedTableError:
        rows = []
    for r in rows:
        need, _, key = str(r["waiting_for"]).partition(":")
        found.append(
            {
                "service": "brand-gating",
                "event_id": str(r["event_id"]),
                "event_type": r["event_type"],
                "brand_key": r["brand_key"],
                "waiting_for": r["waiting_for"],
                "since": r["recorded_at"].isoformat(timespec="seconds"),
                "reason": f"waits for {need} {key!r}, which is not in the registry",
            }
        )
    return found


@click.command("orphans")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option(
    "--older-than",
    type=click.FloatRange(min=0),
    default=ORPHAN_AFTER_S,
    show_default=True,
    help="Registry events waiting longer than this many seconds (the ledger marks its own after "
    "ASINFLOW_LEDGER_ORPHAN_AFTER_S).",
)
def orphans(as_json: bool, older_than: float) -> None:
    """Events parked for a cause that never came (exit 1 when there are any)."""

    async def main() -> list[dict[str, Any]]:
        async with connect.database(stackfile.resolve()) as pool:
            return await collect(pool, older_than)

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
