"""``asinflow catalog show ASIN``: the catalog service's answer (``GET /items/{asin}``)."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import click

from asinflow_cli import client


@click.group("catalog")
def catalog_group() -> None:
    """The catalog (ASIN registry)."""


@catalog_group.command("show")
@click.argument("asin")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(asin: str, as_json: bool) -> None:
    """A catalog item: product data, GTINs, variation links and the offers on it."""

    async def main() -> dict[str, Any] | None:
        async with client.connected() as c:
            item: dict[str, Any] | None = await c.get("catalog", f"/items/{client.segment(asin)}")
            return item

    item = asyncio.run(main())
    if item is None:
        click.echo(f"no catalog item {asin}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(item, indent=2))
        return
    click.echo(f"{item['asin']}  {item['title']}")
    click.echo(f"  brand: {item['brand']}   manufacturer: {item['manufacturer'] or '-'}   type: {item['product_type']}")
    click.echo(f"  model: {item['model_number'] or '-'}   part: {item['part_number'] or '-'}")
    click.echo(f"  GTIN-14: {', '.join(item['gtin14s']) or '- (exempted)'}")
    if item["parent_asin"]:
        click.echo(f"  parent: {item['parent_asin']}  {item['variation_theme']}: {item['variation_attributes']}")
    if item["children"]:
        click.echo(f"  children: {', '.join(item['children'])}")
    for offer in item["offers"]:
        mark = " (created the item)" if offer["created_the_item"] else ""
        click.echo(f"  offer: {offer['seller_id']} / {offer['sku']}{mark}")
