"""The one place that opens the API's connections (PostgreSQL for keys and owner addresses, the Kafka producer,
the HTTP client to the owners) and serves the app with /livez, /readyz and /metrics beside it. Like every
service it records a heartbeat with its URL (``asinflow run`` waits for it, ``asinflow status`` shows it)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer
from asinflow_apikeys import store
from asinflow_contracts import topics
from asinflow_runtime import logs
from asinflow_runtime.db import create_pool, migrate
from asinflow_runtime.endpoints import HttpServer
from asinflow_runtime.heartbeat import OPS_SCHEMA, record_heartbeat, serve_until_signalled
from asinflow_runtime.kafka import ensure_topics, new_producer
from asinflow_runtime.service import ops_migrations
from asinflow_runtime.settings import HttpSettings, InfraSettings
from asinflow_runtime.transient import is_transient, until_reachable
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

from asinflow_listings_api.adapters.owners import HttpOwners, OwnerAnswer, directory
from asinflow_listings_api.adapters.publisher import KafkaPublisher
from asinflow_listings_api.adapters.readmodels import KafkaDeadLetters, OwnerApprovalRequests
from asinflow_listings_api.app import Deps, Publisher, create_app
from asinflow_listings_api.config import ApiSettings
from asinflow_listings_api.domain.authorization import Principal, Role

NAME = "listings-api"
#: The topics the API publishes to (created if missing, as every producer of the stack does).
PUBLISHED = (
    topics.LISTING_PROPOSED,
    topics.LISTING_DELETION_REQUESTED,
    topics.BRAND_APPROVAL_REQUESTED,
    topics.BRAND_APPROVAL_DECIDED,
    topics.POLICY_VIOLATION_REPORTED,
    topics.REACTIVATION_REQUESTED,
    topics.REACTIVATION_DECIDED,
    topics.SELLER_CREATION_RESTORED,
)
_log = logging.getLogger(__name__)


class ApiRuntime:
    """One running API (``start``/``stop`` for tests, ``serve`` for a process)."""

    def __init__(
        self, infra: InfraSettings, http: HttpSettings | None = None, settings: ApiSettings | None = None
    ) -> None:
        self.infra = infra.require_complete()
        self.http = http or HttpSettings()
        self.settings = settings or ApiSettings()
        self.instance = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.pool: asyncpg.Pool | None = None
        self.producer: AIOKafkaProducer | None = None
        self.client: httpx.AsyncClient | None = None
        self.server: HttpServer | None = None
        self._beat_task: asyncio.Task[None] | None = None
        self._started_at = datetime.now(UTC)

    async def start(self) -> None:
        bootstrap, dsn = self.infra.kafka_bootstrap_servers or "", self.infra.database_url or ""
        await until_reachable("kafka", lambda: ensure_topics(bootstrap, list(PUBLISHED)))
        self.pool = pool = await until_reachable("postgres", lambda: create_pool(dsn, application_name=NAME))
        async with pool.acquire() as conn:
            await migrate(conn, OPS_SCHEMA, ops_migrations())
            await store.ensure_schema(conn)
        self.producer = producer = new_producer(bootstrap)
        await producer.start()
        self.client = httpx.AsyncClient(timeout=self.settings.owner_timeout_s)
        owners = HttpOwners(self.client, directory(pool, self.settings))

        async def find_key(token: str) -> Principal | None:
            key = await store.find(pool, token)
            return None if key is None else Principal(key.key_id, Role(key.role), key.seller_id)

        deps = Deps(
            find_key,
            owners,
            KafkaPublisher(producer),
            approval_requests=OwnerApprovalRequests(owners),
            dead_letters=KafkaDeadLetters(bootstrap, producer, pool),
        )
        app = create_app(deps, self._operations)
        self.server = HttpServer(app, self.http.http_host, self.http.http_port)
        await self.server.start()
        self._started_at = datetime.now(UTC)
        await self._beat_now()  # started means found: `asinflow status` and the owners' lookup see it at once
        self._beat_task = asyncio.create_task(self._heartbeat(), name=f"{NAME}-heartbeat")
        _log.info("%s started (%s) on %s", NAME, self.instance, self.server.url)

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop()
        if self._beat_task is not None:
            self._beat_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._beat_task
        if self.client is not None:
            await self.client.aclose()
        if self.producer is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.producer.stop(), 5)
        if self.pool is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._beat(ready=False, reason="stopped"), 3)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.pool.close(), 5)

    async def serve(self) -> None:
        """Run until SIGINT or SIGTERM."""
        await serve_until_signalled(self.start, self.stop)

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    # ------------------------------------------------------------------------------- health and metrics

    def _operations(self, app: FastAPI) -> None:
        """/livez, /readyz and /metrics (not in the OpenAPI document), and request counts per route."""
        registry = CollectorRegistry()
        requests = Counter(
            "asinflow_api_requests",
            "Requests answered, by route and status.",
            ["route", "method", "status"],
            registry=registry,
        )
        latency = Histogram("asinflow_api_request_seconds", "Time to answer, by route.", ["route"], registry=registry)

        @app.middleware("http")
        async def count(request: Request, call_next: Any) -> Response:
            started = time.perf_counter()
            response: Response = await call_next(request)
            route = getattr(request.scope.get("route"), "path", "unmatched")
            requests.labels(route, request.method, str(response.status_code)).inc()
            latency.labels(route).observe(time.perf_counter() - started)
            return response

        @app.get("/livez", include_in_schema=False)
        async def livez() -> dict[str, Any]:
            return {"service": NAME, "live": True}

        @app.get("/readyz", include_in_schema=False)
        async def readyz() -> JSONResponse:
            checks = await self.readiness()
            ready = all(v == "ok" for v in checks.values())
            return JSONResponse({"service": NAME, "ready": ready, "checks": checks}, 200 if ready else 503)

        @app.get("/metrics", include_in_schema=False)
        async def metrics() -> Response:
            return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    async def readiness(self) -> dict[str, str]:
        """PostgreSQL (keys) and the broker (publishing); the owners are not checked (their routes answer 503)."""

        async def check(what: Any) -> str:
            try:
                await asyncio.wait_for(what(), 2.0)
            except Exception as exc:
                return f"{type(exc).__name__}: {exc}"[:300]
            return "ok"

        assert self.pool is not None and self.producer is not None
        pool, producer = self.pool, self.producer
        kafka, postgres = await asyncio.gather(
            check(producer.client.fetch_all_metadata), check(lambda: pool.fetchval("SELECT 1"))
        )
        return {"kafka": kafka, "postgres": postgres}

    async def _beat_now(self) -> None:
        checks = await self.readiness()
        failing = [f"{name}: {v}" for name, v in checks.items() if v != "ok"]
        await self._beat(ready=not failing, reason="; ".join(failing) or None)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(2.0)
            try:
                await self._beat_now()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not is_transient(exc):
                    _log.exception("%s: heartbeat failed", NAME)

    async def _beat(self, *, ready: bool, reason: str | None) -> None:
        assert self.pool is not None
        await record_heartbeat(
            self.pool,
            service=NAME,
            instance=self.instance,
            started_at=self._started_at,
            ready=ready,
            reason=reason,
            counters={},
            http_url=self.server.url if self.server is not None else None,
        )


class _Offline(Publisher):
    """Stand-ins for generating the OpenAPI document: nothing is called."""

    async def call(self, *args: Any, **kwargs: Any) -> OwnerAnswer:
        raise RuntimeError("offline")


async def _no_key(token: str) -> Principal | None:
    return None


def offline_app() -> FastAPI:
    """The app without connections: for the OpenAPI document."""
    offline = _Offline()
    return create_app(Deps(_no_key, offline, offline))


def main() -> None:
    logs.configure(NAME)
    asyncio.run(ApiRuntime(InfraSettings()).serve())
