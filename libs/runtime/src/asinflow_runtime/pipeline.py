"""The batch pipeline every consumer runs (DESIGN §3 and §7).

For one batch of records: parse each (unreadable ones are dead-lettered at once), then in ONE PostgreSQL
transaction claim the event ids in the inbox, apply the fresh ones and write the resulting events to the
outbox; after the commit publish those events without awaiting each one and mark them sent. The caller
commits the offsets only after ``process`` returns. Transient failures are retried with backoff, never
dead-lettered. A batch that fails for another reason is replayed one message at a time, so only the
message that fails is dead-lettered (reason ``handler_error``) and the others are applied.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

import asyncpg
from aiokafka import AIOKafkaProducer

from asinflow_runtime.deadletter import DeadLetter, publish_dead_letters
from asinflow_runtime.inbox import Inbox
from asinflow_runtime.messages import Counters, Incoming, Outgoing, Unreadable
from asinflow_runtime.outbox import Outbox, PendingRow, publish_rows
from asinflow_runtime.settings import ConsumerSettings
from asinflow_runtime.transient import Backoff, is_transient

_log = logging.getLogger(__name__)
T = TypeVar("T")


class BatchHandler(Protocol):
    """What a service provides: how to read a record, and how to apply a batch inside a transaction."""

    def parse(self, record: Any) -> Incoming:
        """Turn a ConsumerRecord into an Incoming; raise ``Unreadable`` for a message to dead-letter."""
        ...

    async def apply(self, conn: asyncpg.Connection, items: list[Incoming]) -> list[Outgoing]:
        """Apply first-seen events inside the open transaction; return the events to emit."""
        ...


class BatchPipeline:
    def __init__(
        self,
        service: str,
        schema: str,
        handler: BatchHandler,
        pool: asyncpg.Pool,
        producer: AIOKafkaProducer,
        settings: ConsumerSettings | None = None,
        counters: Counters | None = None,
    ) -> None:
        self.service = service
        self.handler = handler
        self.pool = pool
        self.producer = producer
        self.settings = settings or ConsumerSettings()
        self.counters = counters or Counters()
        self.inbox = Inbox(schema)
        self.outbox = Outbox(schema)
        # Rows published but not yet marked: marked inside the next batch's transaction (one round trip
        # fewer per batch). Losing this list in a crash only means the relay publishes them once more.
        self._published_unmarked: list[int] = []

    async def process(self, records: Sequence[Any]) -> None:
        """Apply a batch; returns when every effect is committed and every dead letter is on the broker."""
        self.counters.batches += 1
        self.counters.consumed += len(records)
        items: list[Incoming] = []
        letters: list[DeadLetter] = []
        for record in records:
            try:
                items.append(self.handler.parse(record))
            except Unreadable as exc:
                letters.append(_letter(record, exc.reason, exc.detail))
            except Exception as exc:  # a parser bug must not become a poison pill: dead-letter, keep going
                _log.exception("parser failed on %s[%s]@%s", record.topic, record.partition, record.offset)
                letters.append(_letter(record, "parse_error", f"{type(exc).__name__}: {exc}"[:2000]))
        if letters:
            await self._dead_letter(letters)
        if not items:
            return
        try:
            await self._retrying(lambda: self._apply(items))
        except Exception:
            _log.exception("batch of %d failed; replaying it one message at a time", len(items))
            for item in items:
                try:
                    await self._retrying(lambda item=item: self._apply([item]))  # type: ignore[misc]
                except Exception as exc:
                    detail = "".join(traceback.format_exception_only(exc)).strip()
                    await self._dead_letter([_letter(item.record, "handler_error", detail)])

    async def _apply(self, items: list[Incoming]) -> None:
        marking, self._published_unmarked = self._published_unmarked, []
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                fresh = await self.inbox.claim(conn, items)
                outgoing = await self.handler.apply(conn, fresh) if fresh else []
                rows = await self.outbox.add(conn, outgoing)
                await self.outbox.mark_published(conn, marking)
        except BaseException:
            self._published_unmarked = marking + self._published_unmarked
            raise
        self.counters.applied += len(fresh)
        self.counters.duplicates += len(items) - len(fresh)
        await self._publish(rows)

    async def tick(self) -> None:
        """Run the handler's periodic work (timeouts, scheduled releases) in a transaction of its own."""
        tick = getattr(self.handler, "tick", None)
        if tick is None:
            return
        async with self.pool.acquire() as conn, conn.transaction():
            outgoing = await tick(conn)
            rows = await self.outbox.add(conn, outgoing)
        await self._publish(rows)

    async def _publish(self, rows: list[PendingRow]) -> None:
        self.counters.emitted += len(rows)
        if not rows:
            return
        try:
            await publish_rows(self.producer, rows)
            self._published_unmarked.extend(r.seq for r in rows)
            self.counters.published += len(rows)
        except Exception as exc:
            if not is_transient(exc):
                raise
            # The rows are committed: the relay publishes them once the broker or database is back.
            _log.warning("inline publish failed (%s); the outbox relay will publish %d rows", exc, len(rows))

    async def flush_marks(self) -> None:
        """Mark published rows now (the service calls it when idle and at stop)."""
        marking, self._published_unmarked = self._published_unmarked, []
        try:
            await self.outbox.mark_published(self.pool, marking)
        except BaseException:
            self._published_unmarked = marking + self._published_unmarked
            raise

    async def _dead_letter(self, letters: list[DeadLetter]) -> None:
        for letter in letters:
            _log.warning(
                "dead-letter %s[%s]@%s: %s %s",
                letter.topic,
                letter.partition,
                letter.offset,
                letter.reason,
                letter.error[:200],
            )
        await self._retrying(lambda: publish_dead_letters(self.producer, self.service, letters))
        self.counters.dead_lettered += len(letters)

    async def _retrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        backoff = Backoff(self.settings.retry_initial_s, self.settings.retry_max_s)
        while True:
            try:
                return await attempt()
            except Exception as exc:
                if not is_transient(exc):
                    raise
                delay = backoff.next_delay()
                self.counters.retries += 1
                _log.warning("transient failure (%s: %s); retrying in %.1fs", type(exc).__name__, exc, delay)
                await asyncio.sleep(delay)


def _letter(record: Any, reason: str, detail: str) -> DeadLetter:
    return DeadLetter(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key,
        value=record.value,
        headers=list(record.headers or ()),
        reason=reason,
        error=detail,
    )
