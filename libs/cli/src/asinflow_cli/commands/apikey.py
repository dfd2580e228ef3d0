"""``asinflow api-key create|list|revoke``: keys of the listings API (docs/api.md)."""

from __future__ import annotations

import asyncio
import json
import sys

import click
from asinflow_apikeys import store

from asinflow_cli import connect, stackfile


@click.group("api-key")
def api_key_group() -> None:
    """Keys of the listings API: a seller's (its own listings only) or an operator's."""


@api_key_group.command("create")
@click.option("--seller", "seller_id", help="A seller key: it reads and writes only this seller's data.")
@click.option("--operator", is_flag=True, help="An operator key: it acts for every seller.")
@click.option("--label", default="", help="What the key is for (shown by `list`).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (key_id, role, seller_id, key).")
def create(seller_id: str | None, operator: bool, label: str, as_json: bool) -> None:
    """Create a key and print it once: only its SHA-256 digest is stored, it cannot be shown again."""
    if operator == (seller_id is not None):
        raise click.UsageError("give exactly one of --seller SELLER and --operator")
    if seller_id is not None and not (0 < len(seller_id.strip()) <= 200):
        raise click.BadParameter("a seller id has 1 to 200 characters", param_hint="--seller")

    async def main() -> store.IssuedKey:
        async with connect.database(stackfile.resolve()) as pool, pool.acquire() as conn:
            await store.ensure_schema(conn)
            role: store.Role = "operator" if operator else "seller"
            return await store.create(conn, role, seller_id.strip() if seller_id else None, label)

    issued = asyncio.run(main())
    key = issued.key
    if as_json:
        click.echo(
            json.dumps({"key_id": key.key_id, "role": key.role, "seller_id": key.seller_id, "key": issued.token})
        )
        return
    who = f"seller {key.seller_id}" if key.seller_id else "operator"
    click.echo(f"created {key.key_id} ({who}); the key, shown only now:", err=True)
    click.echo(issued.token)


@api_key_group.command("list")
@click.option("--seller", "seller_id", help="Only this seller's keys.")
def list_keys(seller_id: str | None) -> None:
    """Every key: id, role, seller, label, created, revoked (never the key itself)."""

    async def main() -> list[store.ApiKey]:
        async with connect.database(stackfile.resolve()) as pool, pool.acquire() as conn:
            await store.ensure_schema(conn)
            return await store.list_keys(conn, seller_id)

    for key in asyncio.run(main()):
        revoked = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
        click.echo(
            f"{key.key_id}  {key.role:<8}  {key.seller_id or '-':<20}  {key.created_at:%Y-%m-%d %H:%M}  {revoked}"
            + (f"  {key.label}" if key.label else "")
        )


@api_key_group.command("revoke")
@click.argument("key_id")
def revoke(key_id: str) -> None:
    """Revoke a key at once (exit 1 when there is no such active key)."""

    async def main() -> bool:
        async with connect.database(stackfile.resolve()) as pool, pool.acquire() as conn:
            await store.ensure_schema(conn)
            return await store.revoke(conn, key_id)

    if not asyncio.run(main()):
        click.echo(f"no active key {key_id}", err=True)
        sys.exit(1)
    click.echo(f"revoked {key_id}")
