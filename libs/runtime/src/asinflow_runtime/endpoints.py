"""A service's HTTP endpoints (Starlette on uvicorn, in the service's own event loop):

- ``GET /livez``: the process and its event loop answer (Kubernetes liveness, compose healthcheck).
- ``GET /readyz``: 200 when every check passes — the broker answers a metadata request, PostgreSQL a
  ``SELECT 1``, the service's own checks (Redis for the creation quota), and the consumer is not stopped for a
  fault of ours — else 503; the body names each check and why it failed (``asinflow status`` shows it).
- ``GET /metrics``: Prometheus text exposition of the service's metrics.
- The service's own routes (``ServiceSpec.routes``, written with ``http_json``). Every refusal is JSON:
  ``{"error": …}`` (an unknown path 404, a wrong method 405, as well as the routes' own 4xx).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

_log = logging.getLogger(__name__)

#: One readiness check: returns None when fine, or raises / returns the reason it is not.
Check = Callable[[], Awaitable[str | None]]
CHECK_TIMEOUT_S = 2.0


@dataclass
class Endpoints:
    service: str
    registry: CollectorRegistry
    checks: Mapping[str, Check]
    before_scrape: Callable[[], Awaitable[None]] | None = None
    #: The service's own routes (its read model and its decisions as queries: ``/preview``, ``/restrictions``…).
    extra: Sequence[BaseRoute] = ()

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/livez", self._live),
                Route("/readyz", self._ready),
                Route("/metrics", self._metrics),
                *self.extra,
            ],
            exception_handlers={HTTPException: _http_problem},
        )

    async def readiness(self) -> tuple[bool, dict[str, str]]:
        """Every check's outcome (``ok`` or the reason), run concurrently with a timeout each."""
        names = list(self.checks)
        outcomes = await asyncio.gather(*(self._run(self.checks[n]) for n in names))
        results = dict(zip(names, outcomes, strict=True))
        return all(v == "ok" for v in results.values()), results

    async def _run(self, check: Check) -> str:
        try:
            reason = await asyncio.wait_for(check(), CHECK_TIMEOUT_S)
        except TimeoutError:
            return f"no answer within {CHECK_TIMEOUT_S:g}s"
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"[:500]
        return reason or "ok"

    async def _live(self, request: Request) -> Response:
        return JSONResponse({"service": self.service, "live": True})

    async def _ready(self, request: Request) -> Response:
        ready, checks = await self.readiness()
        return JSONResponse({"service": self.service, "ready": ready, "checks": checks}, 200 if ready else 503)

    async def _metrics(self, request: Request) -> Response:
        if self.before_scrape is not None:
            with contextlib.suppress(Exception):
                await self.before_scrape()
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


async def _http_problem(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no such route: 404, a method the route does not take: 405) as JSON, like every
    other answer of a service's routes: ``{"error": …}``."""
    assert isinstance(exc, HTTPException)
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=exc.headers)
    return JSONResponse({"error": exc.detail}, exc.status_code, headers=exc.headers)


class HttpServer:
    """uvicorn serving an app on ``host:port`` (port 0: a free one) inside the running event loop."""

    def __init__(self, app: Starlette, host: str, port: int) -> None:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        self.socket = sock
        self.host = host
        self.port = int(sock.getsockname()[1])
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        self.server = _Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        self._task = asyncio.create_task(self.server.serve(sockets=[self.socket]), name="http")
        while not self.server.started and not self._task.done():
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._task is None:
            return
        self.server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._task, 5)
        self._task = None


class _Server(uvicorn.Server):
    """uvicorn without its signal handlers: the service's own (SIGINT, SIGTERM: stop cleanly) stay in charge."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield
