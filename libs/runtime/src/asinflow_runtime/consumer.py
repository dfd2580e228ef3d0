"""The consume loop of a service: fetch a batch, run it through the pipeline, commit its offsets.

Plain aiokafka, so that nothing between the broker and our pipeline reads, decodes or drops a record on
our behalf (see ``intake``). When the pipeline halts for a fault of ours, the loop seeks back to the batch's
first offsets, reports itself not ready with the reason, waits (backoff) and fetches the same records again:
nothing is acknowledged until the batch applies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.coordinator.assignors.range import RangePartitionAssignor
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError
from aiokafka.structs import OffsetAndMetadata
from asinflow_contracts.limits import MAX_MESSAGE_BYTES

from asinflow_runtime.pipeline import BatchPipeline, ConsumerHalted
from asinflow_runtime.settings import ConsumerSettings
from asinflow_runtime.transient import Backoff

_log = logging.getLogger(__name__)


#: How long the broker may hold a fetch, and how much it waits for, unless the settings or the service say.
DEFAULT_FETCH_MAX_WAIT_MS = 40
DEFAULT_FETCH_MIN_BYTES = 65_536


def _first(*values: int | None) -> int:
    return next(v for v in values if v is not None)


class Health:
    """Why the service is not ready, if it is not (the heartbeat and ``asinflow status`` show it)."""

    def __init__(self) -> None:
        self.halted: str | None = None

    @property
    def ready(self) -> bool:
        return self.halted is None


class BatchConsumer:
    def __init__(
        self,
        name: str,
        topics: Sequence[str],
        bootstrap_servers: str,
        pipeline: BatchPipeline,
        settings: ConsumerSettings,
        health: Health,
        *,
        fetch_max_wait_ms: int | None = None,
        fetch_min_bytes: int | None = None,
    ) -> None:
        self.name = name
        self.pipeline = pipeline
        self.settings = settings
        self.health = health
        self.topics = list(topics)
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=name,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            # Partition i of every consumed topic goes to the same instance: one listing's events (keyed by
            # listing id) meet in one consumer even though they travel on different topics.
            partition_assignment_strategy=(RangePartitionAssignor,),
            fetch_max_wait_ms=_first(settings.fetch_max_wait_ms, fetch_max_wait_ms, DEFAULT_FETCH_MAX_WAIT_MS),
            fetch_min_bytes=_first(settings.fetch_min_bytes, fetch_min_bytes, DEFAULT_FETCH_MIN_BYTES),
            max_partition_fetch_bytes=MAX_MESSAGE_BYTES + 65_536,
        )
        self._task: asyncio.Task[None] | None = None
        self._busy = asyncio.Lock()
        # Offsets of applied batches not committed yet: committed at most every ``commit_interval_ms``, when the
        # consumer has nothing to fetch, when partitions are revoked, and at stop (a crash redelivers them and
        # the inbox drops the duplicates).
        self._uncommitted: dict[TopicPartition, OffsetAndMetadata] = {}
        self._committed_at = 0.0
        self._next: dict[TopicPartition, int] = {}  # the next offset to apply, per partition
        self._lag_at = 0.0  # lag gauges are refreshed at most once a second while busy

    async def start(self) -> None:
        self.consumer.subscribe(topics=self.topics, listener=_CommitOnRevoke(self))
        await self.consumer.start()
        self._task = asyncio.create_task(self._run(), name=f"{self.name}-consume")

    async def stop(self, grace_s: float = 10.0) -> None:
        """Let the batch in hand finish (up to ``grace_s``), then stop fetching."""
        if self._task is not None:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(grace_s):
                    await self._busy.acquire()  # released by the loop between batches; held from here on
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        # Each step is bounded: with the broker gone (a killed `asinflow run` takes it along), a stop must still
        # end; what is not committed now is redelivered and dropped as duplicates.
        await bounded(self.pipeline.drain(), 5, f"{self.name}: acknowledgements")
        await bounded(self.commit_pending(), 5, f"{self.name}: offset commit")
        await bounded(self.consumer.stop(), 5, f"{self.name}: consumer stop")

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _run(self) -> None:
        halted = Backoff(self.settings.retry_initial_s, self.settings.halt_retry_max_s)
        while True:
            try:
                batches = await self.consumer.getmany(timeout_ms=1000, max_records=self.settings.max_records)
            except KafkaError as exc:
                _log.warning("%s: fetch failed (%s); trying again", self.name, exc)
                await asyncio.sleep(1.0)
                continue
            if not batches:
                await self.commit_pending()  # idle: nothing left uncommitted for long
                self.update_lag()
                continue
            async with self._busy:
                records = [r for rs in batches.values() for r in rs]
                try:
                    await self.pipeline.process(records)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    reason = exc.reason if isinstance(exc, ConsumerHalted) else f"{type(exc).__name__}: {exc}"
                    delay = halted.next_delay()
                    self.health.halted = f"consumer stopped: {reason}"[:2000]
                    _log.error("%s: %s; the batch is fetched again in %.1fs", self.name, self.health.halted, delay)
                    self._rewind(batches)
                    await asyncio.sleep(delay)
                    continue
                if self.health.halted is not None:
                    _log.warning("%s: consumer resumed; the batch it stopped on is applied", self.name)
                    self.health.halted = None
                    halted = Backoff(self.settings.retry_initial_s, self.settings.halt_retry_max_s)
                self._uncommitted.update(
                    {tp: OffsetAndMetadata(records[-1].offset + 1, "") for tp, records in batches.items()}
                )
                self._next.update({tp: records[-1].offset + 1 for tp, records in batches.items()})
                if time.monotonic() - self._lag_at >= 1.0:
                    self.update_lag()
                if time.monotonic() - self._committed_at >= self.settings.commit_interval_ms / 1000:
                    await self.commit_pending()

    def update_lag(self) -> None:
        """Records each assigned partition holds beyond what was applied (the broker's high watermark, as
        last seen in a fetch, minus the next offset to apply)."""
        self._lag_at = time.monotonic()
        metrics = self.pipeline.metrics
        for tp in self.consumer.assignment():
            highwater = self.consumer.highwater(tp)
            if highwater is None:
                continue
            # nothing fetched from it since it was assigned while fetches saw its watermark: it is at the end
            applied = self._next.get(tp, highwater)
            metrics.lag.labels(metrics.service, tp.topic, str(tp.partition)).set(max(0, highwater - applied))

    def _rewind(self, batches: dict[TopicPartition, list[Any]]) -> None:
        for tp, records in batches.items():
            with contextlib.suppress(IllegalStateError):  # no longer assigned: its new owner starts there anyway
                self.consumer.seek(tp, records[0].offset)

    async def commit_pending(self) -> None:
        """Commit the offsets of every batch applied so far."""
        if not self._uncommitted:
            return
        offsets, self._uncommitted = self._uncommitted, {}
        self._committed_at = time.monotonic()
        try:
            await self.consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError, KafkaError) as exc:
            # A rebalance moved the partitions: their new owner gets these records again and drops them as
            # duplicates (the effects are committed in the inbox).
            _log.warning("%s: offsets not committed (%s); the records will be seen again", self.name, exc)


class _CommitOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka has no type stubs
    """Before partitions move to another instance, commit what was applied from them."""

    def __init__(self, owner: BatchConsumer) -> None:
        self.owner = owner

    async def on_partitions_revoked(self, revoked: Any) -> None:
        await self.owner.commit_pending()

    async def on_partitions_assigned(self, assigned: Any) -> None:
        return None


async def bounded(step: Awaitable[object], seconds: float, what: str) -> None:
    """Await a shutdown step for at most ``seconds``; a failure or a timeout is logged, never raised."""
    try:
        await asyncio.wait_for(step, seconds)
    except TimeoutError:
        _log.warning("%s: gave up after %.0fs", what, seconds)
    except Exception as exc:
        _log.warning("%s: %s", what, exc)
