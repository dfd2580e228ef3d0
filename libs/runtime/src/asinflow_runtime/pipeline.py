"""The batch pipeline every consumer runs (DESIGN §3, §7 and §8).

For one batch of records: read each (``intake.receive``, then the service's contract check in
``handler.parse``); what cannot be read is the sender's fault and is dead-lettered with the reason. The rest
is applied in ONE PostgreSQL transaction — claim the event ids in the inbox, apply the fresh ones, write the
resulting events to the outbox — and after the commit those events are published without awaiting each one.
The caller commits the offsets only after ``process`` returns. Transient failures are retried with backoff.

A batch that fails for another reason is replayed one message at a time. Two kinds of failure are told apart:
- a *poison message*: it fails while other messages of its batch apply. It is dead-lettered (reason
  ``handler_error``) — at most ``poison_limit`` within ``poison_window_s``;
- *our own fault* (a bug, a broken deploy, a missing column): no message of the batch applies, or more
  messages fail than that limit. Then nothing is dead-lettered and nothing acknowledged: ``process`` raises
  ``ConsumerHalted``; the consumer reports it, waits and tries the same batch again, and resumes once it
  applies (after the fix).
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
import uuid
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

import asyncpg
from aiokafka import AIOKafkaProducer

from asinflow_runtime.deadletter import DeadLetter, publish_dead_letters
from asinflow_runtime.inbox import Inbox
from asinflow_runtime.intake import Received, receive
from asinflow_runtime.logs import record_fields
from asinflow_runtime.messages import Counters, Incoming, Outgoing, Unreadable
from asinflow_runtime.metrics import ServiceMetrics
from asinflow_runtime.outbox import Outbox, PendingRow, publish_rows
from asinflow_runtime.settings import ConsumerSettings
from asinflow_runtime.tracing import Span, Tracing, traceparent_of
from asinflow_runtime.transient import Backoff, is_transient

_log = logging.getLogger(__name__)
T = TypeVar("T")


class BatchHandler(Protocol):
    """What a service provides: how to check a received record, and how to apply a batch in a transaction."""

    def parse(self, received: Received) -> Incoming:
        """Check the decoded body against the topic's contract; raise ``Unreadable`` for a dead letter."""
        ...

    async def apply(self, conn: asyncpg.Connection, items: list[Incoming]) -> list[Outgoing]:
        """Apply first-seen events inside the open transaction; return the events to emit."""
        ...


class ConsumerHalted(RuntimeError):
    """The batch cannot be applied for a fault of ours: nothing was acknowledged or dead-lettered."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


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
        metrics: ServiceMetrics | None = None,
        tracing: Tracing | None = None,
    ) -> None:
        self.service = service
        self.metrics = metrics or ServiceMetrics(service)
        self.tracing = tracing or Tracing(service)
        # The span of each event of the batch being applied, by event id and by listing (key): an emitted
        # event's span is a child of the span of the event that caused it.
        self._spans: dict[Any, Span] = {}
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
        self._poison_times: deque[float] = deque()
        # Publishes whose acknowledgements are still awaited, and the rows they carry (the relay leaves those
        # alone). A batch's events are durable once its transaction commits (the outbox), so the next batch
        # need not wait for the broker's acknowledgements of this one: they are awaited in the background.
        self._publishing: deque[asyncio.Task[None]] = deque()
        self.in_flight: set[int] = set()

    async def process(self, records: Sequence[Any]) -> None:
        """Apply a batch; returns when every effect is committed and every dead letter is on the broker.
        Raises ``ConsumerHalted`` (nothing acknowledged) when the batch fails for a fault of ours."""
        started = time.perf_counter()
        self.counters.batches += 1
        self.counters.consumed += len(records)
        self.metrics.per_topic(self.metrics.consumed, (r.topic for r in records))
        self.metrics.batch_size.labels(self.service).observe(len(records))
        items: list[Incoming] = []
        letters: list[DeadLetter] = []
        broken: list[tuple[Any, BaseException]] = []  # the parser itself failed: a bug, judged like a handler's
        for record in records:
            try:
                items.append(self.handler.parse(receive(record)))
            except Unreadable as exc:
                letters.append(_letter(record, exc.reason, exc.detail))
            except Exception as exc:
                _log.exception("parser failed", extra=record_fields(record))
                broken.append((record, exc))
        self.metrics.ages((i.topic, i.envelope.time) for i in items)
        self._spans = self._start_spans(items)
        failed = [(record, exc) for record, exc in broken]
        applied = 0
        try:
            if items:
                applied, failures = await self._apply_all(items)
                failed += [(item.record, exc) for item, exc in failures]
            if failed:
                letters += self._judge(failed, applied)
        finally:
            self._end_spans()
        if letters:
            self.counters.add_reasons(letter.reason for letter in letters)
            await self._dead_letter(letters)
        self.metrics.batch_duration.labels(self.service).observe(time.perf_counter() - started)

    def _start_spans(self, items: list[Incoming]) -> dict[Any, Span]:
        spans: dict[Any, Span] = {}
        if not self.tracing.enabled:
            return spans
        for item in items:
            envelope = item.envelope
            attributes = {
                "messaging.kafka.partition": str(item.record.partition),
                "messaging.message.id": str(envelope.id),
            }
            if envelope.subject:
                attributes["asinflow.subject"] = envelope.subject
            span = self.tracing.consume(item.topic, envelope.id, envelope.traceparent, attributes)
            spans[envelope.id] = span
            if envelope.subject:
                spans.setdefault(envelope.subject, span)
        return spans

    def _end_spans(self) -> None:
        for key, span in self._spans.items():
            if isinstance(key, uuid.UUID):
                span.end()
        self._spans = {}

    def _traceparents(self, outgoing: list[Outgoing]) -> Sequence[str | None]:
        """Each event's ``traceparent``: that of its own publish span, a child of its cause's span (found by
        causation id, else by listing); written to the outbox with the event's other headers."""
        if not self.tracing.enabled:
            return [None] * len(outgoing)
        found = []
        for out in outgoing:
            envelope = out.envelope
            parent = self._spans.get(envelope.causation_id) or self._spans.get(out.key)
            span = self.tracing.publish(out.topic, parent, {"messaging.message.id": str(envelope.id)})
            found.append(envelope.traceparent or traceparent_of(span))
            span.end()
        return found

    async def _apply_all(self, items: list[Incoming]) -> tuple[int, list[tuple[Incoming, BaseException]]]:
        """Apply the batch; when that fails, one message at a time. Returns (applied, failures)."""
        try:
            return await self._retrying(lambda: self._apply(items)), []
        except Exception:
            _log.exception("batch of %d failed; replaying it one message at a time", len(items))
        applied = 0  # messages the handler applied (duplicates prove nothing about the handler)
        failures: list[tuple[Incoming, BaseException]] = []
        for item in items:
            try:
                applied += await self._retrying(lambda item=item: self._apply([item]))  # type: ignore[misc]
            except Exception as exc:
                failures.append((item, exc))
                if len(failures) > self.settings.poison_limit:
                    break  # more than a poison message or two: our own fault; no need to try the rest
        return applied, failures

    def _judge(self, failed: list[tuple[Any, BaseException]], others_ok: int) -> list[DeadLetter]:
        """Poison messages to dead-letter, or ``ConsumerHalted`` when the failures are our own fault."""
        now = time.monotonic()
        while self._poison_times and now - self._poison_times[0] > self.settings.poison_window_s:
            self._poison_times.popleft()
        first_record, first_exc = failed[0]
        summary = "".join(traceback.format_exception_only(first_exc)).strip()[:500]
        where = f"{first_record.topic}[{first_record.partition}]@{first_record.offset}"
        if others_ok == 0 or len(self._poison_times) + len(failed) > self.settings.poison_limit:
            self.counters.halts += 1
            self.metrics.halts.labels(self.service).inc()
            raise ConsumerHalted(
                f"{len(failed)} message(s) failed in the handler and {others_ok} other(s) applied "
                f"(first: {where}: {summary}); a fault of ours, not of the messages: stopped without acknowledging"
            )
        self._poison_times.extend(now for _ in failed)
        _log.error("poison message(s) dead-lettered as handler_error: %d (first: %s: %s)", len(failed), where, summary)
        return [
            _letter(record, "handler_error", "".join(traceback.format_exception_only(exc)).strip())
            for record, exc in failed
        ]

    async def _apply(self, items: list[Incoming]) -> int:
        """Apply the items in one transaction, publish what it emitted; returns how many were fresh."""
        marking, self._published_unmarked = self._published_unmarked, []
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                fresh = await self.inbox.claim(conn, items, mark_outbox=(self.outbox.table, marking))
                outgoing = await self.handler.apply(conn, fresh) if fresh else []
                rows = await self.outbox.add(conn, outgoing, self._traceparents(outgoing))
        except BaseException:
            self._published_unmarked = marking + self._published_unmarked
            raise
        self.counters.applied += len(fresh)
        self.counters.duplicates += len(items) - len(fresh)
        self.metrics.per_topic(self.metrics.applied, (i.topic for i in fresh))
        if len(fresh) < len(items):
            fresh_ids = {i.event_id for i in fresh}
            self.metrics.per_topic(self.metrics.duplicates, (i.topic for i in items if i.event_id not in fresh_ids))
        self.metrics.decided((o.topic, o.payload) for o in outgoing)
        await self._publish(rows)
        return len(fresh)

    async def tick(self) -> None:
        """Run the handler's periodic work (timeouts, scheduled releases) in a transaction of its own."""
        tick = getattr(self.handler, "tick", None)
        if tick is None:
            return
        async with self.pool.acquire() as conn, conn.transaction():
            outgoing = await tick(conn)
            rows = await self.outbox.add(conn, outgoing, self._traceparents(outgoing))
        self.metrics.decided((o.topic, o.payload) for o in outgoing)
        await self._publish(rows)

    async def _publish(self, rows: list[PendingRow]) -> None:
        """Hand committed rows to the producer and await their acknowledgements in the background (at most
        ``max_publishing`` batches outstanding). A row the broker does not take is left to the outbox relay:
        the effects are committed, and the relay retries or reports the row."""
        self.counters.emitted += len(rows)
        if not rows:
            return
        self.metrics.per_topic(self.metrics.emitted, (r.topic for r in rows))
        while len(self._publishing) >= self.settings.max_publishing:
            await asyncio.shield(self._publishing[0])
        self.in_flight.update(r.seq for r in rows)
        task = asyncio.create_task(self._acknowledged(rows))
        self._publishing.append(task)
        task.add_done_callback(self._publishing.remove)

    async def _acknowledged(self, rows: list[PendingRow]) -> None:
        try:
            sent = await publish_rows(self.producer, rows)
        except Exception as exc:  # never fatal: the relay takes the rows over
            _log.warning("inline publish of %d row(s) failed (%s); the outbox relay takes them over", len(rows), exc)
            return
        finally:
            self.in_flight.difference_update(r.seq for r in rows)
        self._published_unmarked.extend(r.seq for r in sent.published)
        self.counters.published += len(sent.published)
        self.metrics.per_topic(self.metrics.published, (r.topic for r in sent.published))
        left = [*sent.retry, *sent.refused]
        if left:
            row, error = left[0]
            _log.warning(
                "inline publish of %d row(s) failed (first: %s: %s); the outbox relay takes them over",
                len(left),
                row.topic,
                f"{type(error).__name__}: {error}"[:300],
            )

    async def drain(self) -> None:
        """Wait for every outstanding publish (at stop, and when the service has nothing else to do)."""
        while self._publishing:
            await asyncio.gather(*list(self._publishing), return_exceptions=True)

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
                extra={
                    "topic": letter.topic,
                    "partition": letter.partition,
                    "offset": letter.offset,
                    "reason": letter.reason,
                },
            )
        await self._retrying(lambda: publish_dead_letters(self.producer, self.service, letters, self.pool))
        self.counters.dead_lettered += len(letters)
        for (topic, reason), n in Counter((x.topic, x.reason) for x in letters).items():
            self.metrics.dead_letters.labels(self.service, topic, reason).inc(n)

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
                self.metrics.retries.labels(self.service).inc()
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
