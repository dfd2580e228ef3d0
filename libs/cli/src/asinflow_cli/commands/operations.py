"""Live listings: ``asinflow inventory set`` and ``asinflow policy report|reactivate|decide``. Each publishes the
event an upstream system would; what it shows afterwards is the activation service's answer (``GET
/listings/{listing_id}``, ``GET /reactivation-requests/{request_id}``)."""

from __future__ import annotations

import asyncio
import sys
import uuid
from datetime import datetime
from typing import Any

import click
from asinflow_contracts import limits, topics
from asinflow_contracts.events import (
    Enforcement,
    InventoryUpdated,
    PolicyViolationReported,
    ReactivationDecided,
    ReactivationRequested,
    Scope,
    ViolationKind,
)
from asinflow_contracts.ids import listing_id

from asinflow_cli import client, stackfile
from asinflow_cli.publishing import publish_and_wait
from asinflow_cli.roster import schema_of

ACTIVATION = schema_of("activation")


async def _activation_view(seller_id: str, sku: str) -> dict[str, Any] | None:
    async with client.connected() as c:
        view: dict[str, Any] | None = await c.get("activation", f"/listings/{listing_id(seller_id, sku)}")
        return view


async def _request(request_id: str) -> dict[str, Any] | None:
    """A reactivation request as activation answers it: listing, seller, SKU, status, and why when refused."""
    async with client.connected() as c:
        found: dict[str, Any] | None = await c.get("activation", f"/reactivation-requests/{client.segment(request_id)}")
        return found


def _show(view: dict[str, Any] | None) -> None:
    if view is None:
        click.echo("the listing is not created (yet): nothing to show", err=True)
        return
    click.echo(
        f"state: {view['state']}  buyable: {'yes' if view['buyable'] else 'no'}  "
        f"discoverable: {'yes' if view['discoverable'] else 'no'}  quantity: {view['quantity']}"
    )
    for v in view["open_violations"]:
        until = f" (enforcement exempt until {v['exempt_until']})" if v["exempt_until"] else ""
        click.echo(f"  open violation {v['violation_id']}: {v['kind']} → {v['enforcement']}{until}")


@click.group("inventory")
def inventory_group() -> None:
    """Stock of listings."""


@inventory_group.command("set")
@click.argument("seller_id")
@click.argument("sku")
@click.argument("quantity", type=click.IntRange(0, limits.MAX_QUANTITY))
def inventory_set(seller_id: str, sku: str, quantity: int) -> None:
    """Set the sellable QUANTITY of a listing (0 makes it inactive, restocking makes it active again)."""
    event = InventoryUpdated(seller_id=seller_id, sku=sku, quantity=quantity, update_id=uuid.uuid4().hex)
    key = str(listing_id(seller_id, sku))
    asyncio.run(publish_and_wait(stackfile.resolve(), topics.INVENTORY_UPDATED, key, event, ACTIVATION))
    _show(asyncio.run(_activation_view(seller_id, sku)))


@click.group("policy")
def policy_group() -> None:
    """Policy violations and reactivation."""


@policy_group.command("report")
@click.option("--seller", "seller_id", help="Listing-level: the seller.")
@click.option("--sku", help="Listing-level: the SKU.")
@click.option("--asin", help="ASIN-level: every listing of this ASIN.")
@click.option("--kind", type=click.Choice([k.value for k in ViolationKind]), required=True)
@click.option("--enforcement", type=click.Choice([e.value for e in Enforcement]), default=None)
@click.option("--evidence", multiple=True, required=True, help="Evidence (repeat for several).")
@click.option("--reporter", required=True, help="Who reports it.")
@click.option("--exempt-until", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.option("--id", "violation_id", default=None, help="Violation id (default: generated).")
def policy_report(
    seller_id: str | None,
    sku: str | None,
    asin: str | None,
    kind: str,
    enforcement: str | None,
    evidence: tuple[str, ...],
    reporter: str,
    exempt_until: datetime | None,
    violation_id: str | None,
) -> None:
    """Report a policy violation: suppresses the listing (or every listing of an ASIN)."""
    if bool(asin) == bool(seller_id and sku):
        raise click.UsageError("name either --seller and --sku, or --asin")
    report = PolicyViolationReported(
        violation_id=violation_id or f"V-{uuid.uuid4().hex[:10].upper()}",
        kind=ViolationKind(kind),
        scope=Scope.ASIN if asin else Scope.LISTING,
        seller_id=seller_id,
        sku=sku,
        asin=asin,
        enforcement=Enforcement(enforcement) if enforcement else None,
        evidence=list(evidence),
        reporter=reporter,
        exempt_until=exempt_until.date() if exempt_until else None,
    )
    key = asin if asin else str(listing_id(seller_id or "", sku or ""))
    asyncio.run(publish_and_wait(stackfile.resolve(), topics.POLICY_VIOLATION_REPORTED, key, report, ACTIVATION))
    click.echo(report.violation_id)
    if seller_id and sku:
        _show(asyncio.run(_activation_view(seller_id, sku)))


@policy_group.command("reactivate")
@click.argument("seller_id")
@click.argument("sku")
@click.option("--fix", "root_cause_fix", required=True, help="How the root cause was fixed (required).")
@click.option("--violation", "violation_ids", multiple=True, help="Violations addressed (default: all open).")
@click.option("--evidence", multiple=True, help="Evidence of the fix (repeat for several).")
@click.option("--id", "request_id", default=None, help="Request id (default: generated).")
def policy_reactivate(
    seller_id: str,
    sku: str,
    root_cause_fix: str,
    violation_ids: tuple[str, ...],
    evidence: tuple[str, ...],
    request_id: str | None,
) -> None:
    """Ask to reactivate a suppressed listing; prints the request id (exit 1 if it is refused)."""
    request = ReactivationRequested(
        request_id=request_id or f"R-{uuid.uuid4().hex[:10].upper()}",
        seller_id=seller_id,
        sku=sku,
        violation_ids=list(violation_ids),
        root_cause_fix=root_cause_fix,
        evidence=list(evidence),
    )
    key = str(listing_id(seller_id, sku))
    asyncio.run(publish_and_wait(stackfile.resolve(), topics.REACTIVATION_REQUESTED, key, request, ACTIVATION))
    status, reason = asyncio.run(_request_outcome(request.request_id))
    click.echo(f"{request.request_id} {status}" + (f": {reason}" if reason else ""))
    sys.exit(1 if status == "REFUSED" else 0)


async def _request_outcome(request_id: str) -> tuple[str, str | None]:
    found = await _request(request_id)
    if found is None:
        return "UNKNOWN", None
    return str(found["status"]), found["reason"]


@policy_group.command("decide")
@click.argument("request_id")
@click.option("--approve/--reject", required=True)
@click.option("--by", "decided_by", required=True, help="Operator or brand owner deciding.")
@click.option("--note", default="")
def policy_decide(request_id: str, approve: bool, decided_by: str, note: str) -> None:
    """Approve or reject a reactivation request."""

    async def listing_of_request() -> tuple[str, str] | None:
        found = await _request(request_id)
        if found is None or found["seller_id"] is None:
            return None
        return str(found["seller_id"]), str(found["sku"])

    target = asyncio.run(listing_of_request())
    if target is None:
        click.echo(f"no reactivation request {request_id}", err=True)
        sys.exit(1)
    seller_id, sku = target
    decision = ReactivationDecided(
        request_id=request_id, seller_id=seller_id, sku=sku, approved=approve, decided_by=decided_by, note=note
    )
    key = str(listing_id(seller_id, sku))
    asyncio.run(publish_and_wait(stackfile.resolve(), topics.REACTIVATION_DECIDED, key, decision, ACTIVATION))
    _show(asyncio.run(_activation_view(seller_id, sku)))
