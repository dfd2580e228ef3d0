"""Transactional outbox (DESIGN §3): rows written with the state change, published after commit, marked sent.

A crash between commit and publish leaves rows pending; the relay loop publishes them later. Publishing a
row twice is harmless: its ``ce_id`` is deterministic and consumers drop duplicates.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import asyncpg
from aiokafka import AIOKafkaProducer

from asinflow_runtime.db import quote_ident
from asinflow_runtime.messages import Outgoing
from asinflow_runtime.transient import is_transient

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingRow:
    seq: int
    topic: str
    key: str
    headers: list[tuple[str, bytes]]
    payload: bytes


class Outbox:
    """The outbox table of one service schema."""

    def __init__(self, schema: str) -> None:
        self.table = f"{quote_ident(schema)}.outbox"

    async def add(self, conn: asyncpg.Connection, events: Sequence[Outgoing]) -> list[PendingRow]:
        """Insert the events (inside the caller's transaction); an event id already there is not re-added."""
        if not events:
            return []
        headers = [e.envelope.to_headers() for e in events]
        bodies = [e.body() for e in events]
        rows = await conn.fetch(
            f"""
            INSERT INTO {self.table} (event_id, topic, key, headers, payload)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::bytea[])
            ON CONFLICT (event_id) DO NOTHING
            RETURNING seq, event_id
            """,
            [e.envelope.id for e in events],
            [e.topic for e in events],
            [e.key for e in events],
            [json.dumps({k: v.decode() for k, v in h}) for h in headers],
            bodies,
        )
        seq_of = {r["event_id"]: r["seq"] for r in rows}
        return [
            PendingRow(seq_of[e.envelope.id], e.topic, e.key, h, body)
            for e, h, body in zip(events, headers, bodies, strict=True)
            if e.envelope.id in seq_of
        ]

    async def pending(self, conn: asyncpg.Connection, older_than_s: float, limit: int = 1000) -> list[PendingRow]:
        rows = await conn.fetch(
            f"""
            SELECT seq, topic, key, headers, payload FROM {self.table}
            WHERE published_at IS NULL AND created_at < now() - make_interval(secs => $1)
            ORDER BY seq LIMIT $2
            """,
            older_than_s,
            limit,
        )
        return [_row(r) for r in rows]

    async def mark_published(self, conn: asyncpg.Connection | asyncpg.Pool, seqs: Sequence[int]) -> None:
        if seqs:
            await conn.execute(
                f"UPDATE {self.table} SET published_at = now() WHERE seq = ANY($1::bigint[])", list(seqs)
            )

    async def count_pending(self, conn: asyncpg.Connection | asyncpg.Pool) -> int:
        return int(await conn.fetchval(f"SELECT count(*) FROM {self.table} WHERE published_at IS NULL"))


def _row(record: asyncpg.Record) -> PendingRow:
    headers = record["headers"]
    if isinstance(headers, str):
        headers = json.loads(headers)
    return PendingRow(
        seq=record["seq"],
        topic=record["topic"],
        key=record["key"],
        headers=[(k, v.encode()) for k, v in headers.items()],
        payload=bytes(record["payload"]),
    )


async def publish_rows(producer: AIOKafkaProducer, rows: Sequence[PendingRow]) -> None:
    """Send every row without awaiting each, then wait for all acknowledgements (DESIGN §7)."""
    futures = [await producer.send(row.topic, row.payload, key=row.key.encode(), headers=row.headers) for row in rows]
    await asyncio.gather(*futures)


class OutboxRelay:
    """Publishes rows whose inline publish did not happen (crash, broker away): the "republish" path."""

    def __init__(
        self,
        outbox: Outbox,
        pool: asyncpg.Pool,
        producer: AIOKafkaProducer,
        *,
        interval_s: float = 1.0,
        before_scan: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.before_scan = before_scan
        self.outbox = outbox
        self.pool = pool
        self.producer = producer
        self.interval_s = interval_s
        self.published = 0

    async def relay_once(self, older_than_s: float = 2.0) -> int:
        if self.before_scan is not None:
            await self.before_scan()  # rows published inline but not marked yet are not pending
        async with self.pool.acquire() as conn:
            rows = await self.outbox.pending(conn, older_than_s)
        if not rows:
            return 0
        await publish_rows(self.producer, rows)
        await self.outbox.mark_published(self.pool, [r.seq for r in rows])
        self.published += len(rows)
        _log.info("relayed %d pending outbox rows", len(rows))
        return len(rows)

    async def run(self) -> None:
        while True:
            try:
                while await self.relay_once() > 0:
                    pass
            except Exception as exc:
                if not is_transient(exc):
                    raise
                _log.warning("outbox relay waits: %s", exc)
            await asyncio.sleep(self.interval_s)
