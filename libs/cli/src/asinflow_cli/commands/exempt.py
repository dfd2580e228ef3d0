"""``asinflow brand exempt BRAND [--sku SKU]``: grant a GTIN exemption (interim: the identifier-validation
service keeps them until the brand-registry service exists). Publishes ``brand.exemption.granted`` and
waits until the service has applied it; prints the exemption id."""

from __future__ import annotations

import asyncio
import hashlib
import sys
import time

import click
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.events import ExemptionGranted
from asinflow_contracts.ids import content_event_id
from asinflow_identifier_validation.adapters.postgres import SCHEMA
from asinflow_identifier_validation.domain.exemptions import brand_key

from asinflow_cli import connect, stackfile


def exemption_id_for(brand: str, sku: str | None, seller_id: str | None) -> str:
    digest = hashlib.sha256(f"{brand_key(brand)}|{sku or ''}|{seller_id or ''}".encode()).hexdigest()[:8]
    return f"EX-{digest.upper()}"


async def grant(event: ExemptionGranted, timeout: float) -> bool:
    settings = stackfile.resolve()
    body = event.model_dump_json().encode()
    envelope = Envelope(
        id=content_event_id(topics.EXEMPTION_GRANTED, body),
        type=topics.EXEMPTION_GRANTED,
        source="/asinflow/cli",
        subject=event.exemption_id,
    )
    async with connect.producer(settings) as producer:
        await producer.send_and_wait(
            topics.EXEMPTION_GRANTED, body, key=event.brand.encode(), headers=envelope.to_headers()
        )
    async with connect.database(settings) as pool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            query = f"SELECT 1 FROM {SCHEMA}.exemptions WHERE exemption_id = $1 AND brand = $2"
            if await pool.fetchval(query, event.exemption_id, event.brand):
                return True
            await asyncio.sleep(0.2)
    return False


@click.group("brand")
def brand_group() -> None:
    """Brand registry (this release: GTIN exemptions only)."""


@brand_group.command("exempt")
@click.argument("brand")
@click.option("--sku", default=None, help="Exempt only this SKU of the brand.")
@click.option("--seller", "seller_id", default=None, help="With --sku: only this seller's SKU.")
@click.option("--timeout", default=30.0, show_default=True)
def exempt(brand: str, sku: str | None, seller_id: str | None, timeout: float) -> None:
    """Grant a GTIN exemption to BRAND (or one SKU of it); prints the exemption id to cite."""
    event = ExemptionGranted(
        exemption_id=exemption_id_for(brand, sku, seller_id), brand=brand, sku=sku, seller_id=seller_id
    )
    if not asyncio.run(grant(event, timeout)):
        click.echo(f"published, but not applied within {timeout:.0f}s: is the stack running?", err=True)
        sys.exit(1)
    click.echo(event.exemption_id)
