"""The skeleton every service process shares: connections opened at start, the consume loop, the outbox
relay, periodic work and a heartbeat; closed cleanly at stop. Services describe themselves with a
``ServiceSpec``; this is the one place that opens and closes a service's resources."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaProducer
from opentelemetry.sdk.trace.export import SpanExporter
from pydantic import BaseModel
from starlette.routing import BaseRoute

from asinflow_runtime import logs
from asinflow_runtime.consumer import BatchConsumer, Health, bounded
from asinflow_runtime.db import Migration, create_pool, migrate, reliability_migrations
from asinflow_runtime.endpoints import Check, Endpoints, HttpServer
from asinflow_runtime.heartbeat import OPS_SCHEMA as OPS_SCHEMA  # re-exported: the CLI's set-up imports it here
from asinflow_runtime.heartbeat import record_heartbeat, serve_until_signalled
from asinflow_runtime.kafka import ensure_topics, new_producer
from asinflow_runtime.messages import Counters
from asinflow_runtime.metrics import NoMetrics, ServiceMetrics
from asinflow_runtime.outbox import Outbox, OutboxRelay
from asinflow_runtime.pipeline import BatchHandler, BatchPipeline
from asinflow_runtime.settings import ConsumerSettings, HttpSettings, InfraSettings, RetentionSettings
from asinflow_runtime.tracing import Tracing
from asinflow_runtime.transient import is_transient, until_reachable

_log = logging.getLogger(__name__)


def ops_migrations() -> list[Migration]:
    sql = Path(__file__).parent / "sql"
    return [
        Migration("0001_heartbeat", (sql / "ops.sql").read_text()),
        Migration("0002_reason_and_dead_letter_bodies", (sql / "ops_0002.sql").read_text()),
        Migration("0003_http_url", (sql / "ops_0003.sql").read_text()),
    ]


@dataclass(frozen=True)
class ServiceSpec:
    """What makes a service: its name (= consumer group), schema, topics, migrations and handler."""

    name: str
    schema: str
    consumes: Sequence[str]
    make_handler: Callable[[asyncpg.Pool], BatchHandler]
    migrations: Sequence[Migration] = ()
    publishes: Sequence[tuple[str, type[BaseModel]]] = ()
    description: str = ""
    #: The service's fetch tuning (``ConsumerSettings`` and its env variables override it).
    fetch_max_wait_ms: int | None = None
    fetch_min_bytes: int | None = None
    #: Seconds between runs of the handler's ``tick`` (periodic work such as timeouts); None: no tick.
    tick_interval_s: float | None = None
    #: PostgreSQL settings of the service's connections (e.g. ``plan_cache_mode``).
    pg_settings: Mapping[str, str] = field(default_factory=dict)
    #: The service's own HTTP routes beside /livez, /readyz and /metrics: queries over its read model and its
    #: decisions without effects (``/preview``…), built once the pool and the handler exist.
    routes: Callable[[asyncpg.Pool, BatchHandler], Sequence[BaseRoute]] | None = None


@dataclass
class ServiceRuntime:
    """One running instance of a service (``start``/``stop`` for tests, ``serve`` for a process)."""

    spec: ServiceSpec
    infra: InfraSettings
    consumer: ConsumerSettings = field(default_factory=ConsumerSettings)
    counters: Counters = field(default_factory=Counters)
    http: HttpSettings = field(default_factory=HttpSettings)
    #: Where spans go (tests pass an in-memory exporter); None: OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
    span_exporter: SpanExporter | None = None

    def __post_init__(self) -> None:
        self.infra.require_complete()
        self.instance = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.health = Health()
        # ASINFLOW_INSTRUMENTATION=off counts nothing and traces nothing: only to measure what instrumentation costs
        instrumented = os.environ.get("ASINFLOW_INSTRUMENTATION", "on") != "off"
        self.metrics = ServiceMetrics(self.spec.name) if instrumented else NoMetrics(self.spec.name)
        self.tracing = Tracing(self.spec.name, self.span_exporter, enabled=instrumented)
        self.server: HttpServer | None = None
        self.pool: asyncpg.Pool | None = None
        self.producer: AIOKafkaProducer | None = None
        self.pipeline: BatchPipeline | None = None
        self.batches: BatchConsumer | None = None
        self._relay: OutboxRelay | None = None
        self._outbox = Outbox(self.spec.schema)
        self._tasks: list[asyncio.Task[None]] = []
        self._started_at = datetime.now(UTC)
        self._relay_counted = 0

    async def start(self) -> None:
        infra = self.infra
        assert infra.kafka_bootstrap_servers and infra.database_url
        await until_reachable(
            "kafka",
            lambda: ensure_topics(
                infra.kafka_bootstrap_servers or "",
                [*self.spec.consumes, *(t for t, _ in self.spec.publishes)],
            ),
        )
        pool = await until_reachable(
            "postgres",
            lambda: create_pool(
                infra.database_url or "", application_name=self.spec.name, settings=self.spec.pg_settings
            ),
        )
        self.pool = pool
        async with pool.acquire() as conn:
            await migrate(conn, OPS_SCHEMA, ops_migrations())
            await migrate(conn, self.spec.schema, [*reliability_migrations(), *self.spec.migrations])
        self.producer = new_producer(infra.kafka_bootstrap_servers)
        await self.producer.start()
        handler = self.spec.make_handler(pool)
        self.pipeline = BatchPipeline(
            self.spec.name,
            self.spec.schema,
            handler,
            pool,
            self.producer,
            self.consumer,
            self.counters,
            self.metrics,
            self.tracing,
        )
        pipeline = self.pipeline
        self._relay = OutboxRelay(
            self._outbox, pool, self.producer, before_scan=pipeline.flush_marks, in_flight=lambda: pipeline.in_flight
        )
        self._started_at = datetime.now(UTC)
        self.batches = BatchConsumer(
            self.spec.name,
            self.spec.consumes,
            infra.kafka_bootstrap_servers,
            self.pipeline,
            self.consumer,
            self.health,
            fetch_max_wait_ms=self.spec.fetch_max_wait_ms,
            fetch_min_bytes=self.spec.fetch_min_bytes,
        )
        await self.batches.start()
        extra = self.spec.routes(pool, handler) if self.spec.routes is not None else ()
        endpoints = Endpoints(self.spec.name, self.metrics.registry, self._checks(handler), self._scrape, extra)
        self.server = HttpServer(endpoints.app(), self.http.http_host, self.http.http_port)
        await self.server.start()
        self._tasks = [
            asyncio.create_task(self._relay.run(), name=f"{self.spec.name}-relay"),
            asyncio.create_task(self._heartbeat(), name=f"{self.spec.name}-heartbeat"),
        ]
        self._tasks.append(asyncio.create_task(self._housekeeping(), name=f"{self.spec.name}-housekeeping"))
        if self.spec.tick_interval_s:
            self._tasks.append(
                asyncio.create_task(self._ticker(self.spec.tick_interval_s), name=f"{self.spec.name}-tick")
            )
        _log.info("%s started (%s); endpoints on %s", self.spec.name, self.instance, self.server.url)

    async def stop(self) -> None:
        """Stop fetching (the batch in hand finishes), then the periodic tasks, then close the connections."""
        name = self.spec.name
        if self.server is not None:
            await bounded(self.server.stop(), 5, f"{name}: HTTP server")
        if self.batches is not None:
            await self.batches.stop()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        if self.pipeline is not None:
            await bounded(self.pipeline.drain(), 5, f"{name}: acknowledgements")
            await bounded(self.pipeline.flush_marks(), 5, f"{name}: outbox marks")
        if self.producer is not None:
            await bounded(self.producer.stop(), 5, f"{name}: producer stop")
        if self.pool is not None:
            await bounded(self._beat(ready=False, reason="stopped"), 3, f"{name}: last heartbeat")
            await bounded(self.pool.close(), 5, f"{name}: database pool")
            if not self.pool.is_closing():
                self.pool.terminate()
        self.tracing.shutdown()
        _log.info("%s stopped", self.spec.name)

    async def serve(self) -> None:
        """Run until SIGINT or SIGTERM."""
        await serve_until_signalled(self.start, self.stop)

    def not_ready_reason(self) -> str | None:
        """Why this instance should not receive traffic, or None."""
        if self.health.halted is not None:
            return self.health.halted
        if self.batches is not None and not self.batches.running:
            return "consumer loop ended"
        return None

    def _checks(self, handler: BatchHandler) -> dict[str, Check]:
        """What /readyz checks: the broker, PostgreSQL, the consumer, and the handler's own (Redis…)."""
        assert self.pool is not None and self.producer is not None
        pool, producer = self.pool, self.producer

        async def kafka() -> str | None:
            await producer.client.fetch_all_metadata()
            return None

        async def postgres() -> str | None:
            await pool.fetchval("SELECT 1")
            return None

        async def consumer() -> str | None:
            return self.not_ready_reason()

        checks: dict[str, Check] = {"kafka": kafka, "postgres": postgres, "consumer": consumer}
        own = getattr(handler, "health_checks", None)
        if own is not None:
            checks.update(own())
        return checks

    async def _scrape(self) -> None:
        await self._refresh_gauges()
        if self.batches is not None:
            self.batches.update_lag()

    async def _refresh_gauges(self) -> tuple[int, int]:
        """Gauges read from the database (scrapes and heartbeats refresh them); returns the outbox's pending and
        failed rows."""
        assert self.pool is not None
        pending, failed, oldest = await self._outbox.counts_and_age(self.pool)
        self.metrics.outbox_pending.labels(self.spec.name).set(pending)
        self.metrics.outbox_failed.labels(self.spec.name).set(failed)
        self.metrics.outbox_oldest.labels(self.spec.name).set(oldest)
        self.metrics.relayed.labels(self.spec.name)  # present from the start, 0 until the relay publishes
        self.metrics.ready.labels(self.spec.name).set(1 if self.not_ready_reason() is None else 0)
        if self._relay is not None:
            counted = self.metrics.relayed.labels(self.spec.name)
            counted.inc(self._relay.published - self._relay_counted)
            self._relay_counted = self._relay.published
        return pending, failed

    async def _ticker(self, interval_s: float) -> None:
        assert self.pipeline is not None
        while True:
            await asyncio.sleep(interval_s)
            try:
                await self.pipeline.tick()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not is_transient(exc):
                    _log.exception("%s: periodic work failed; trying again in %.0fs", self.spec.name, interval_s)

    async def _housekeeping(self) -> None:
        """Delete published outbox rows and forgotten inbox ids past their retention (RetentionSettings)."""
        assert self.pool is not None and self.pipeline is not None
        keep = RetentionSettings()
        while True:
            await asyncio.sleep(keep.prune_interval_s)
            try:
                outbox = await self._outbox.prune(self.pool, keep.outbox_keep_s)
                inbox = await self.pipeline.inbox.prune(self.pool, keep.inbox_keep_s)
                if outbox or inbox:
                    _log.info("pruned %d published outbox rows and %d inbox ids", outbox, inbox)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not is_transient(exc):
                    _log.exception("%s: housekeeping failed; trying again later", self.spec.name)

    async def _heartbeat(self) -> None:
        while True:
            try:
                reason = self.not_ready_reason()
                await self._beat(ready=reason is None, reason=reason)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not is_transient(exc):
                    _log.exception("%s: heartbeat failed", self.spec.name)
            await asyncio.sleep(2.0)

    async def _beat(self, *, ready: bool, reason: str | None) -> None:
        assert self.pool is not None
        pending, failed = await self._refresh_gauges()
        relay = self._relay
        counters = {
            **self.counters.as_dict(),
            "relayed": relay.published if relay else 0,
            "outbox_pending": pending,
            "outbox_failed": failed,
        }
        if reason is None and relay is not None:
            reason = relay.problem  # shown, but the relay retries on its own: the service stays ready
        await record_heartbeat(
            self.pool,
            service=self.spec.name,
            instance=self.instance,
            started_at=self._started_at,
            ready=ready,
            reason=reason,
            counters=counters,
            http_url=self.server.url if self.server is not None else None,
        )


def run_service(spec: ServiceSpec) -> None:
    """Entry point of ``python -m asinflow_<service>``."""
    logs.configure(spec.name)
    asyncio.run(ServiceRuntime(spec, InfraSettings()).serve())
