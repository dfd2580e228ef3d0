"""``asinflow brand …``: the brand registry (DESIGN §6). Each change publishes the registry event an
upstream system would, waits until the brand-gating service applied it, and says whether it was applied
or refused (and why), as the service answers (``GET /registry-events/{event_id}``); the lists are its answers
too (``GET /approval-requests``, ``GET /brands/{brand}/history``). ``brand rebuild`` runs the service's own
maintenance program (``python -m asinflow_brand_gating rebuild``)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import click
from asinflow_brands import brand_key, exemption_id
from asinflow_contracts import topics
from asinflow_contracts.events import (
    OPERATOR,
    ApprovalEvidence,
    BrandApprovalDecided,
    BrandApprovalRequested,
    BrandAuthorizationGranted,
    BrandAuthorizationRevoked,
    BrandPrefixRegistered,
    BrandRegistered,
    ExemptionGranted,
    ExemptionRevoked,
)
from pydantic import BaseModel, ValidationError

from asinflow_cli import client, stackfile
from asinflow_cli.publishing import publish_and_wait
from asinflow_cli.registry_file import (
    RegistryFileError,
    message_key,
    outcome_of,
    owners,
    publish_registry,
    read_registry,
)

BY_HELP = "Who acts: the brand owner's seller id, or `operator`."


def exemption_id_for(brand: str, sku: str | None, seller_id: str | None) -> str:
    """The exemption's id, derived from what it covers (shared with the listings API)."""
    return exemption_id(brand, sku, seller_id)


async def _change(topic: str, event: BaseModel) -> tuple[bool, str]:
    settings = stackfile.resolve()
    event_id = await publish_and_wait(settings, topic, message_key(event), event, owners(topic), unique=True)
    async with client.connected(settings) as c:
        return await outcome_of(c, event_id)


def _report(applied: bool, reason: str, done: str) -> None:
    if not applied:
        click.echo(f"refused: {reason}", err=True)
        sys.exit(1)
    click.echo(done)


@click.group("brand")
def brand_group() -> None:
    """The brand registry: brands, owners, authorised sellers, GS1 prefixes, exemptions, approvals."""


@brand_group.command("register")
@click.argument("brand")
@click.option("--owner", "owner", required=True, help="The seller that owns the brand.")
def register(brand: str, owner: str) -> None:
    """Register BRAND with its owner (an operator action)."""
    applied, reason = asyncio.run(_change(topics.BRAND_REGISTERED, BrandRegistered(brand=brand, owner_seller_id=owner)))
    _report(applied, reason, f"registered {brand!r} (key {brand_key(brand)!r}), owner {owner}")


@brand_group.command("authorize")
@click.argument("brand")
@click.argument("seller_id")
@click.option("--sku", "skus", multiple=True, help="Only these SKUs (repeat); default every SKU.")
@click.option("--by", default=OPERATOR, show_default=True, help=BY_HELP)
def authorize(brand: str, seller_id: str, skus: tuple[str, ...], by: str) -> None:
    """Authorise SELLER_ID to create new ASINs for BRAND."""
    event = BrandAuthorizationGranted(brand=brand, seller_id=seller_id, skus=list(skus) or None, by=by)
    applied, reason = asyncio.run(_change(topics.BRAND_AUTHORIZATION_GRANTED, event))
    _report(applied, reason, f"{seller_id} authorised for {brand!r}" + (f" (SKUs {', '.join(skus)})" if skus else ""))


@brand_group.command("revoke")
@click.argument("brand")
@click.argument("seller_id")
@click.option("--by", default=OPERATOR, show_default=True, help=BY_HELP)
@click.option("--reason", default="", help="Why (kept in the history).")
def revoke(brand: str, seller_id: str, by: str, reason: str) -> None:
    """Revoke SELLER_ID's authorisation for BRAND."""
    event = BrandAuthorizationRevoked(brand=brand, seller_id=seller_id, by=by, reason=reason)
    applied, refused = asyncio.run(_change(topics.BRAND_AUTHORIZATION_REVOKED, event))
    _report(applied, refused, f"{seller_id} no longer authorised for {brand!r}")


@brand_group.command("prefix")
@click.argument("brand")
@click.argument("prefix")
@click.option("--by", default=OPERATOR, show_default=True, help=BY_HELP)
def prefix(brand: str, prefix: str, by: str) -> None:
    """Register a GS1 company PREFIX (6–12 digits, as in the GTIN-13) licensed by BRAND's owner."""
    try:
        event = BrandPrefixRegistered(brand=brand, prefix=prefix, by=by)
    except ValidationError:
        raise click.BadParameter(
            f"{prefix!r} is not a GS1 company prefix (6 to 12 digits)", param_hint="PREFIX"
        ) from None
    applied, reason = asyncio.run(_change(topics.BRAND_PREFIX_REGISTERED, event))
    _report(applied, reason, f"prefix {prefix} registered to {brand!r}")


@brand_group.command("exempt")
@click.argument("brand")
@click.option("--sku", default=None, help="Exempt only this SKU of the brand.")
@click.option("--seller", "seller_id", default=None, help="With --sku: only this seller's SKU.")
def exempt(brand: str, sku: str | None, seller_id: str | None) -> None:
    """Grant a GTIN exemption to BRAND (or one SKU of it); prints the exemption id to cite."""
    event = ExemptionGranted(
        exemption_id=exemption_id_for(brand, sku, seller_id), brand=brand, sku=sku, seller_id=seller_id
    )
    applied, reason = asyncio.run(_change(topics.EXEMPTION_GRANTED, event))
    _report(applied, reason, event.exemption_id)


@brand_group.command("unexempt")
@click.argument("brand")
@click.argument("exemption_id")
@click.option("--reason", default="", help="Why (kept in the history).")
def unexempt(brand: str, exemption_id: str, reason: str) -> None:
    """Revoke GTIN exemption EXEMPTION_ID of BRAND."""
    event = ExemptionRevoked(exemption_id=exemption_id, brand=brand, reason=reason)
    applied, refused = asyncio.run(_change(topics.EXEMPTION_REVOKED, event))
    _report(applied, refused, f"exemption {exemption_id} revoked")


@brand_group.command("request")
@click.argument("brand")
@click.argument("seller_id")
@click.option(
    "--evidence",
    "evidence_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="JSON file with the evidence (title, brand, manufacturer, category, description, sku, identifiers, "
    "batch_id, images).",
)
@click.option("--sku", "skus", multiple=True, help="Ask only for these SKUs (repeat).")
@click.option("--id", "request_id", default=None, help="Request id (default: generated).")
def request(brand: str, seller_id: str, evidence_file: Path, skus: tuple[str, ...], request_id: str | None) -> None:
    """Ask the owner of BRAND to approve SELLER_ID, with the evidence; prints the request id."""
    try:
        evidence = ApprovalEvidence.model_validate_json(evidence_file.read_bytes())
    except ValidationError as exc:
        raise click.BadParameter(f"{evidence_file}: {exc}", param_hint="--evidence") from exc
    event = BrandApprovalRequested(
        request_id=request_id or f"AR-{uuid.uuid4().hex[:10].upper()}",
        brand=brand,
        seller_id=seller_id,
        skus=list(skus) or None,
        evidence=evidence,
    )
    applied, reason = asyncio.run(_change(topics.BRAND_APPROVAL_REQUESTED, event))
    _report(applied, reason, event.request_id)
    asyncio.run(_show_requests(brand, None, False, only=event.request_id))


@brand_group.command("requests")
@click.argument("brand", required=False)
@click.option("--status", type=click.Choice(["incomplete", "pending", "approved", "rejected"]), default=None)
@click.option("--json", "as_json", is_flag=True)
def requests(brand: str | None, status: str | None, as_json: bool) -> None:
    """List approval requests (of BRAND), with what each one lacks."""
    asyncio.run(_show_requests(brand, status, as_json))


async def _show_requests(brand: str | None, status: str | None, as_json: bool, only: str | None = None) -> None:
    params = {k: v for k, v in (("brand", brand), ("status", status)) if v}
    async with client.connected() as c:
        answer = await c.get("brand-gating", "/approval-requests", params)
    rows = [r for r in answer["requests"] if only is None or r["request_id"] == only]
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    for r in rows:
        skus = f" SKUs {', '.join(r['skus'])}" if r["skus"] else ""
        click.echo(f"{r['request_id']}  {r['brand']}  seller {r['seller_id']}{skus}  {r['status']}")
        if r["missing"]:
            click.echo(f"  missing: {', '.join(r['missing'])}")
        if r["decided_by"]:
            click.echo(f"  decided by {r['decided_by']}" + (f": {r['reason']}" if r["reason"] else ""))


@brand_group.command("decide")
@click.argument("brand")
@click.argument("request_id")
@click.argument("decision", type=click.Choice(["approve", "reject"]))
@click.option("--by", default=OPERATOR, show_default=True, help=BY_HELP)
@click.option("--sku", "skus", multiple=True, help="Approve only these SKUs (repeat).")
@click.option("--reason", default="", help="Shown to the seller.")
def decide(brand: str, request_id: str, decision: str, by: str, skus: tuple[str, ...], reason: str) -> None:
    """Approve or reject approval request REQUEST_ID for BRAND (the brand owner or an operator)."""
    event = BrandApprovalDecided(
        request_id=request_id,
        brand=brand,
        decision="approved" if decision == "approve" else "rejected",
        by=by,
        skus=list(skus) or None,
        reason=reason,
    )
    applied, refused = asyncio.run(_change(topics.BRAND_APPROVAL_DECIDED, event))
    _report(applied, refused, f"request {request_id} {event.decision}")


@brand_group.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load(path: Path) -> None:
    """Publish a file of registry events (JSON Lines: {"event": "brand.registered", "data": {...}})."""
    try:
        lines = read_registry(path)
    except RegistryFileError as exc:
        raise click.ClickException(str(exc)) from exc
    refused = asyncio.run(publish_registry(stackfile.resolve(), lines))
    for line in refused:
        click.echo(line, err=True)
    click.echo(f"{len(lines) - len(refused)} applied, {len(refused)} refused")
    if refused:
        sys.exit(1)


@brand_group.command("rebuild")
def rebuild_command() -> None:
    """Rebuild the registry from its history (operators: after a restore, or to check the projection)."""

    env = {**os.environ, **stackfile.resolve().as_env()}
    done = subprocess.run(
        [sys.executable, "-m", "asinflow_brand_gating", "rebuild"], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise click.ClickException(f"the brand-gating service's rebuild failed: {done.stderr.strip()[-2000:]}")
    replayed = json.loads(done.stdout)["replayed"]
    click.echo(f"registry rebuilt from {replayed} event(s)")


@brand_group.command("history")
@click.argument("brand")
@click.option("--json", "as_json", is_flag=True)
def history(brand: str, as_json: bool) -> None:
    """Every registry event about BRAND, applied or refused, in order."""

    async def fetch() -> list[dict[str, Any]]:
        async with client.connected() as c:
            answer = await c.get("brand-gating", f"/brands/{client.segment(brand)}/history")
        events: list[dict[str, Any]] = answer["events"]
        return events

    rows = asyncio.run(fetch())
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    for r in rows:
        outcome = "applied" if r["applied"] else f"refused: {r['reason']}"
        when = r["recorded_at"][:19].replace("T", " ")
        click.echo(f"{when}  {r['event_type']}  {json.dumps(r['body'])}  {outcome}")
