"""``asinflow quota show|restore`` and ``asinflow sales record`` (DESIGN §6). ``quota show`` prints the
creation-quota service's own answer (``GET /sellers/{seller_id}/quota``: its settings, its clock, its counters);
the CLI computes nothing of it."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import click
from asinflow_contracts import limits, topics
from asinflow_contracts.events import CreationRightsRestored, SellerSalesRecorded

from asinflow_cli import client, stackfile
from asinflow_cli.publishing import publish_and_wait
from asinflow_cli.roster import schema_of

QUOTA = schema_of("creation-quota")


async def _view(seller_id: str, at: datetime | None) -> dict[str, Any]:
    params = {"at": at.isoformat()} if at else None
    async with client.connected() as c:
        view: dict[str, Any] = await c.get("creation-quota", f"/sellers/{client.segment(seller_id)}/quota", params)
    return view


def _print(view: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(view))
        return
    state = "WITHDRAWN" if view["withdrawn"] else "allowed"
    click.echo(
        f"{view['seller_id']}  week {view['week']}: {view['used']} of {view['limit']} used, creation {state}, "
        f"resets {view['resets_at']}, {view['throttled']} throttled listing(s) waiting"
    )
    click.echo(f"  limit: {view['limit_explained']}")
    click.echo(f"  withdrawal: {view['withdrawal']}")
    click.echo("  the function:")
    for line in view["function"]:
        click.echo(f"    {line}")


@click.group("quota")
def quota_group() -> None:
    """Weekly creation quotas."""


@quota_group.command("show")
@click.argument("seller_id")
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--at",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]),
    default=None,
    help="Evaluate at this UTC instant instead of the service's now.",
)
def show(seller_id: str, as_json: bool, at: datetime | None) -> None:
    """The seller's limit this week, units used, withdrawal and when capacity resets, with the function, as the
    creation-quota service answers them."""
    _print(asyncio.run(_view(seller_id, at.replace(tzinfo=UTC) if at else None)), as_json)


@quota_group.command("restore")
@click.argument("seller_id")
@click.option("--reason", required=True, help="Why (recorded with the restore).")
@click.option("--by", "operator", default="operator", show_default=True, help="The operator.")
def restore(seller_id: str, reason: str, operator: str) -> None:
    """Give SELLER_ID its creation rights back until the next weekly re-evaluation."""
    event = CreationRightsRestored(seller_id=seller_id, operator=operator, reason=reason)
    asyncio.run(
        publish_and_wait(stackfile.resolve(), topics.SELLER_CREATION_RESTORED, seller_id, event, QUOTA, unique=True)
    )
    click.echo(f"creation restored for {seller_id} until the next weekly re-evaluation ({reason})")


@click.group("sales")
def sales_group() -> None:
    """Seller sales history (it sets the weekly creation limits)."""


def _decimal(ctx: click.Context, param: click.Parameter, value: str) -> Decimal:
    try:
        amount = Decimal(value.strip())
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not an amount") from None
    if not amount.is_finite() or amount < 0 or amount > limits.MAX_MONEY:
        raise click.BadParameter(f"{value!r}: must be an amount from 0 to {limits.MAX_MONEY}")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > limits.MONEY_DECIMAL_PLACES:
        raise click.BadParameter(f"{value!r}: at most {limits.MONEY_DECIMAL_PLACES} decimal places")
    return amount


@sales_group.command("record")
@click.argument("seller_id")
@click.option("--units", type=click.IntRange(0, limits.MAX_SALES_UNITS), required=True)
@click.option("--revenue", default="0", callback=_decimal, help="Revenue of those units.")
@click.option("--day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="UTC day (default: today).")
@click.option("--id", "record_id", default=None, help="Record id (default: generated; the same id counts once).")
def record(seller_id: str, units: int, revenue: Decimal, day: datetime | None, record_id: str | None) -> None:
    """Record SELLER_ID's sales of one day."""
    event = SellerSalesRecorded(
        seller_id=seller_id,
        day=day.date() if day else date.today(),
        units=units,
        revenue=revenue,
        record_id=record_id or uuid.uuid4().hex,
    )
    asyncio.run(publish_and_wait(stackfile.resolve(), topics.SELLER_SALES_RECORDED, seller_id, event, QUOTA))
    click.echo(f"recorded {units} unit(s), revenue {revenue}, on {event.day} for {seller_id}")
