"""PostgreSQL: the pool factory and versioned SQL migrations applied by a migration step (DESIGN §5)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import asyncpg

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Migration:
    version: str
    sql: str


def migrations_in(folder: Path) -> list[Migration]:
    """``NNNN_name.sql`` files of a folder, in version order."""
    return [Migration(path.stem, path.read_text()) for path in sorted(folder.glob("*.sql"))]


async def create_pool(
    dsn: str,
    *,
    min_size: int = 1,
    max_size: int = 5,
    application_name: str = "asinflow",
    settings: Mapping[str, str] | None = None,
) -> asyncpg.Pool:
    """A pool whose connections name their service (``pg_stat_activity.application_name``), with ``settings``."""
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        command_timeout=60,
        server_settings={"application_name": application_name, **(settings or {})},
    )
    assert pool is not None
    return pool


def quote_ident(name: str) -> str:
    if not name.replace("_", "").isalnum() or not name.isascii():
        raise ValueError(f"not a safe SQL identifier: {name!r}")
    return f'"{name}"'


async def migrate(conn: asyncpg.Connection, schema: str, migrations: list[Migration]) -> list[str]:
    """Apply the migrations of ``schema`` not applied yet, each in its own transaction; returns those applied.

    Concurrent callers (several services starting at once) serialise on an advisory lock.
    """
    s = quote_ident(schema)
    applied_now: list[str] = []
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"asinflow-migrate-{schema}")
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {s}")
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {s}.schema_migrations "
            "(version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {row["version"] for row in await conn.fetch(f"SELECT version FROM {s}.schema_migrations")}
        for migration in migrations:
            if migration.version in done:
                continue
            await conn.execute(f"SET LOCAL search_path TO {s}, public")
            await conn.execute(migration.sql)
            await conn.execute(f"INSERT INTO {s}.schema_migrations (version) VALUES ($1)", migration.version)
            applied_now.append(migration.version)
            _log.info("applied migration %s.%s", schema, migration.version)
    return applied_now


def reliability_migrations() -> list[Migration]:
    """Inbox and outbox tables every consuming service has in its own schema (DESIGN §3)."""
    sql = Path(__file__).parent / "sql"
    return [
        Migration("runtime_0001_inbox_outbox", (sql / "inbox_outbox.sql").read_text()),
        Migration("runtime_0002_outbox_failures", (sql / "outbox_0002.sql").read_text()),
        Migration("runtime_0003_pruning", (sql / "runtime_0003.sql").read_text()),
    ]
