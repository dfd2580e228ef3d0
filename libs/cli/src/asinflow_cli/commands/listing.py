"""``asinflow listing show`` and ``asinflow listing illegal`` ask the lifecycle ledger (and activation, for
buyability) over their routes; ``asinflow listing delete`` asks to close a listing (``listing.deletion-requested``,
decided by the activation service, which says whether it refused it)."""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from typing import Any

import click
from asinflow_contracts.ids import listing_id

from asinflow_cli import client, stackfile
from asinflow_cli.render import listing_text
from asinflow_cli.roster import schema_of

ACTIVATION = schema_of("activation")


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
        async with client.connected() as c:
            path = f"/listings/{client.segment(seller_id)}/{client.segment(sku)}"
            view: dict[str, Any] | None = await c.get("lifecycle-ledger", path)
            if view is not None:
                view["activation"] = await c.get("activation", f"/listings/{listing_id(seller_id, sku)}")
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
        async with client.connected() as c:
            answer = await c.get("lifecycle-ledger", "/illegal-transitions", {"limit": str(limit)})
        rows: list[dict[str, Any]] = answer["transitions"]
        return rows

    rows = asyncio.run(main())
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        click.echo(f"{r['at'][:19]} {r['seller_id']} / {r['sku']} v{r['version']}: {r['error']}")
    if not rows:
        click.echo("no illegal transitions recorded")


@listing_group.command("delete")
@click.argument("seller_id")
@click.argument("sku")
@click.option("--by", "requested_by", default=None, help="Who asks (default: the seller).")
@click.option("--reason", default="", help="Why, in words (kept with the deletion).")
def delete(seller_id: str, sku: str, requested_by: str | None, reason: str) -> None:
    """Close a created listing: its offer leaves its ASIN, it is neither buyable nor discoverable (status DELETED).
    Exit 1 when it is refused (not in the catalog, or deleted already). A new proposal of the SKU starts over."""
    from asinflow_contracts import topics  # here: `listing show` needs neither the events nor a Kafka client
    from asinflow_contracts.events import ListingDeletionRequested

    from asinflow_cli.publishing import publish_and_wait

    request = ListingDeletionRequested(
        seller_id=seller_id, sku=sku, requested_by=requested_by or seller_id, reason=reason
    )
    key = str(listing_id(seller_id, sku))

    async def main() -> str | None:
        # unique: the same request may be made again on purpose, for a later version of the listing
        settings = stackfile.resolve()
        event_id = await publish_and_wait(
            settings, topics.LISTING_DELETION_REQUESTED, key, request, ACTIVATION, unique=True
        )
        return await _refusal(event_id)

    refused = asyncio.run(main())
    if refused is not None:
        click.echo(f"refused: {refused}", err=True)
        sys.exit(1)
    click.echo(f"deleted {seller_id} / {sku}")


async def _refusal(event_id: uuid.UUID) -> str | None:
    """Why activation refused the request ``event_id``, or None when it applied it."""
    async with client.connected() as c:
        refusal = await c.get("activation", f"/refusals/{event_id}")
    return None if refusal is None else str(refusal["reason"])
