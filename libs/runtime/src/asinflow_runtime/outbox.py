"""Transactional outbox (DESIGN §3): rows written with the state change, published after commit, marked sent.

A crash between commit and publish leaves rows pending; the relay publishes them later. Publishing a row
twice is harmless: its ``ce_id`` is deterministic and consumers drop duplicates. A row the broker refuses for
a reason retrying cannot fix is marked failed and skipped — reported, never a reason for the relay to stop.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field

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


@dataclass
class Sent:
    """What became of a publish attempt: rows the broker has, rows refused for good, rows to retry later."""

    published: list[PendingRow] = field(default_factory=list)
    refused: list[tuple[PendingRow, BaseException]] = field(default_factory=list)
    retry: list[tuple[PendingRow, BaseException]] = field(default_factory=list)


#: Counted through the partial indexes (outbox_pending, outbox_failed): never a scan of the whole table.
_COUNTS = """
SELECT (SELECT count(*) FROM {table} WHERE published_at IS NULL AND failed_at IS NULL) AS pending,
       (SELECT count(*) FROM {table} WHERE published_at IS NULL AND failed_at IS NOT NULL) AS failed,
       coalesce(extract(epoch FROM now() - (SELECT min(created_at) FROM {table}
                                             WHERE published_at IS NULL AND failed_at IS NULL)), 0) AS oldest
"""


class Outbox:
    """The outbox table of one service schema."""

    def __init__(self, schema: str) -> None:
        self.table = f"{quote_ident(schema)}.outbox"

    async def add(
        self, conn: asyncpg.Connection, events: Sequence[Outgoing], traceparents: Sequence[str | None] = ()
    ) -> list[PendingRow]:
        """Insert the events (inside the caller's transaction); an event id already there is not re-added.
        ``traceparents``: each event's W3C trace context, kept with its headers (a relayed event continues its
        trace)."""
        if not events:
            return []
        headers = [e.envelope.to_headers() for e in events]
        for h, traceparent in zip(headers, traceparents, strict=False):
            if traceparent and not any(k == "traceparent" for k, _ in h):
                h.append(("traceparent", traceparent.encode()))
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

    async def pending(
        self, conn: asyncpg.Connection, older_than_s: float, limit: int = 1000, exclude: Collection[int] = ()
    ) -> list[PendingRow]:
        """Rows not published, older than ``older_than_s``, except ``exclude`` (being published right now)."""
        rows = await conn.fetch(
            f"""
            SELECT seq, topic, key, headers, payload FROM {self.table}
            WHERE published_at IS NULL AND failed_at IS NULL AND created_at < now() - make_interval(secs => $1)
              AND NOT (seq = ANY($3::bigint[]))
            ORDER BY seq LIMIT $2
            """,
            older_than_s,
            limit,
            list(exclude),
        )
        return [_row(r) for r in rows]

    async def mark_published(self, conn: asyncpg.Connection | asyncpg.Pool, seqs: Sequence[int]) -> None:
        if seqs:
            await conn.execute(
                f"UPDATE {self.table} SET published_at = now() WHERE seq = ANY($1::bigint[])", list(seqs)
            )

    async def mark_failed(self, conn: asyncpg.Connection | asyncpg.Pool, failed: Sequence[tuple[int, str]]) -> None:
        if failed:
            await conn.executemany(
                f"UPDATE {self.table} SET failed_at = now(), error = $2 WHERE seq = $1",
                [(seq, error[:2000]) for seq, error in failed],
            )

    async def retry_failed(self, conn: asyncpg.Connection | asyncpg.Pool) -> int:
        """Make failed rows pending again (the operator fixed the cause); returns how many."""
        status = await conn.execute(
            f"UPDATE {self.table} SET failed_at = NULL, error = NULL "
            "WHERE published_at IS NULL AND failed_at IS NOT NULL"
        )
        return int(status.split()[-1])

    async def failed(self, conn: asyncpg.Connection | asyncpg.Pool, limit: int = 100) -> list[asyncpg.Record]:
        return list(
            await conn.fetch(
                f"""SELECT seq, event_id, topic, key, octet_length(payload) AS size, created_at, failed_at, error
                    FROM {self.table} WHERE published_at IS NULL AND failed_at IS NOT NULL ORDER BY seq LIMIT $1""",
                limit,
            )
        )

    async def counts(self, conn: asyncpg.Connection | asyncpg.Pool) -> tuple[int, int]:
        """(pending, failed) rows."""
        pending, failed, _ = await self.counts_and_age(conn)
        return pending, failed

    async def counts_and_age(self, conn: asyncpg.Connection | asyncpg.Pool) -> tuple[int, int, float]:
        """(pending, failed) rows and the age in seconds of the oldest pending one (0 when none)."""
        row = await conn.fetchrow(_COUNTS.format(table=self.table))
        assert row is not None
        return int(row["pending"]), int(row["failed"]), float(row["oldest"])

    async def prune(self, conn: asyncpg.Connection | asyncpg.Pool, keep_s: float, limit: int = 10_000) -> int:
        """Delete rows published more than ``keep_s`` ago (at most ``limit`` at a time); returns how many."""
        status = await conn.execute(
            f"""DELETE FROM {self.table} WHERE seq IN (
                    SELECT seq FROM {self.table}
                    WHERE created_at < now() - make_interval(secs => $1) AND published_at IS NOT NULL
                    LIMIT $2)""",
            keep_s,
            limit,
        )
        return int(status.split()[-1])

    async def count_pending(self, conn: asyncpg.Connection | asyncpg.Pool) -> int:
        return (await self.counts(conn))[0]


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


async def publish_rows(producer: AIOKafkaProducer, rows: Sequence[PendingRow]) -> Sent:
    """Send every row without awaiting each, then wait for all acknowledgements (DESIGN §7). One row's failure
    does not stop the others: the outcome says which rows the broker has."""
    sent = Sent()
    futures: list[tuple[PendingRow, asyncio.Future[object]]] = []
    for row in rows:
        try:
            future = await producer.send(row.topic, row.payload, key=row.key.encode(), headers=row.headers)
            futures.append((row, future))
        except Exception as exc:  # refused before it was queued (too large, producer closed …)
            (sent.retry if is_transient(exc) else sent.refused).append((row, exc))
    results = await asyncio.gather(*(f for _, f in futures), return_exceptions=True)
    for (row, _), result in zip(futures, results, strict=True):
        if not isinstance(result, BaseException):
            sent.published.append(row)
        elif isinstance(result, asyncio.CancelledError):
            raise result
        else:
            (sent.retry if is_transient(result) else sent.refused).append((row, result))
    return sent


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
        in_flight: Callable[[], Collection[int]] = frozenset,
    ) -> None:
        self.before_scan = before_scan
        self.in_flight = in_flight
        self.outbox = outbox
        self.pool = pool
        self.producer = producer
        self.interval_s = interval_s
        self.published = 0
        self.refused = 0
        #: Why the last pass did not finish, or None (shown in the service's status).
        self.problem: str | None = None

    async def relay_once(self, older_than_s: float = 2.0) -> int:
        """Publish the pending rows older than ``older_than_s``; returns how many were dealt with."""
        if self.before_scan is not None:
            await self.before_scan()  # rows published inline but not marked yet are not pending
        async with self.pool.acquire() as conn:
            rows = await self.outbox.pending(conn, older_than_s, exclude=self.in_flight())
        if not rows:
            return 0
        sent = await publish_rows(self.producer, rows)
        await self.outbox.mark_published(self.pool, [r.seq for r in sent.published])
        await self.outbox.mark_failed(self.pool, [(r.seq, _describe(exc)) for r, exc in sent.refused])
        for row, exc in sent.refused:
            _log.error(
                "outbox row %s (%s, %d bytes) refused by the broker and skipped: %s; `asinflow outbox` lists it",
                row.seq,
                row.topic,
                len(row.payload),
                _describe(exc),
            )
        self.published += len(sent.published)
        self.refused += len(sent.refused)
        if sent.published:
            _log.info("relayed %d pending outbox rows", len(sent.published))
        if sent.retry:
            raise sent.retry[0][1]  # transient: the loop waits and tries again
        return len(sent.published) + len(sent.refused)

    async def run(self) -> None:
        """Relay until cancelled; no failure ends the loop (it is reported and retried)."""
        while True:
            try:
                while await self.relay_once() > 0:
                    pass
                self.problem = None
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.problem = f"outbox relay: {_describe(exc)}"
                if is_transient(exc):
                    _log.warning("outbox relay waits: %s", exc)
                else:
                    _log.exception("outbox relay failed; trying again in %.0fs", self.interval_s)
            await asyncio.sleep(self.interval_s)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]
