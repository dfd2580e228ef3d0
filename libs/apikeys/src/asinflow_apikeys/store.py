"""The keys table (schema ``listings_api``, owned by the listings API service): issue, find, list, revoke."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

import asyncpg
from asinflow_runtime.db import Migration, migrate, migrations_in

from asinflow_apikeys import tokens

#: The listings API's PostgreSQL schema.
SCHEMA = "listings_api"

Role = Literal["seller", "operator"]


def migrations() -> list[Migration]:
    return migrations_in(Path(__file__).parent / "migrations")


async def ensure_schema(conn: asyncpg.Connection) -> None:
    """Apply the keys' migrations (idempotent; the API and ``asinflow init`` do it too)."""
    await migrate(conn, SCHEMA, migrations())


@dataclass(frozen=True)
class ApiKey:
    """A stored key (never the token)."""

    key_id: str
    role: Role
    seller_id: str | None
    label: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class IssuedKey:
    """A key just created: the only time its token exists outside the caller's hands."""

    key: ApiKey
    token: str


async def create(conn: asyncpg.Connection, role: Role, seller_id: str | None, label: str = "") -> IssuedKey:
    if (role == "seller") != (seller_id is not None):
        raise ValueError("a seller key names its seller; an operator key names none")
    token = tokens.new_token()
    row = await conn.fetchrow(
        f"""
        INSERT INTO {SCHEMA}.api_keys (key_id, digest, role, seller_id, label) VALUES ($1, $2, $3, $4, $5)
        RETURNING key_id, role, seller_id, label, created_at, revoked_at
        """,
        tokens.key_id_of(token),
        tokens.digest(token),
        role,
        seller_id,
        label,
    )
    assert row is not None
    return IssuedKey(_key(row), token)


async def find(conn: asyncpg.Connection | asyncpg.Pool, token: str) -> ApiKey | None:
    """The active key of this token, or None (malformed, unknown or revoked)."""
    if not tokens.well_formed(token):
        return None
    row = await conn.fetchrow(
        f"""
        SELECT key_id, role, seller_id, label, created_at, revoked_at FROM {SCHEMA}.api_keys
        WHERE digest = $1 AND revoked_at IS NULL
        """,
        tokens.digest(token),
    )
    return _key(row) if row is not None else None


async def list_keys(conn: asyncpg.Connection, seller_id: str | None = None) -> list[ApiKey]:
    rows = await conn.fetch(
        f"""
        SELECT key_id, role, seller_id, label, created_at, revoked_at FROM {SCHEMA}.api_keys
        WHERE $1::text IS NULL OR seller_id = $1 ORDER BY created_at, key_id
        """,
        seller_id,
    )
    return [_key(r) for r in rows]


async def revoke(conn: asyncpg.Connection, key_id: str) -> bool:
    """Revoke a key at once; False when there is no such active key."""
    done = await conn.execute(
        f"UPDATE {SCHEMA}.api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL", key_id
    )
    return bool(done.endswith(" 1"))


def _key(row: asyncpg.Record) -> ApiKey:
    return ApiKey(
        key_id=row["key_id"],
        role=row["role"],
        seller_id=row["seller_id"],
        label=row["label"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )
