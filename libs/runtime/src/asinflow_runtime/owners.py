"""Asking a service ("an owner": of a decision, of a read model) over its own HTTP routes (docs/service-routes.md).

Each owner's base URL comes from the caller's settings (``urls``, ``url_template``), else from its latest heartbeat
in ``ops.service_heartbeat`` (every service records where it serves). An owner that cannot be reached, or answers
5xx or no JSON, is ``OwnerUnavailable``; any other answer goes back to the caller of ``call``. The listings API and
the ``asinflow`` CLI both ask the owners through this module."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

import asyncpg

if TYPE_CHECKING:
    import httpx


class OwnerUnavailable(Exception):
    def __init__(self, service: str, detail: str) -> None:
        super().__init__(f"{service} does not answer: {detail}")
        self.service = service
        self.detail = detail


@dataclass(frozen=True)
class OwnerAnswer:
    status: int
    body: Any

    @property
    def error(self) -> str:
        """The owner's own words for a refusal (``{"error": …}``)."""
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), str):
            return str(self.body["error"])
        return str(self.body)[:500]


class Owners(Protocol):
    """What callers need of the owners (a fake in unit tests)."""

    async def call(
        self,
        method: str,
        service: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> OwnerAnswer: ...


def segment(value: str) -> str:
    """A path segment, every reserved character escaped (a SKU may hold `/`, `?`, `#`)."""
    return quote(value, safe="")


class Directory:
    """Where each owner serves: ``urls`` first, then ``url_template`` (``{service}`` replaced by its name), else
    its heartbeat (cached ``heartbeat_ttl_s``)."""

    def __init__(
        self,
        pool: asyncpg.Pool | None,
        *,
        urls: Mapping[str, str] | None = None,
        url_template: str | None = None,
        heartbeat_ttl_s: float = 5.0,
    ) -> None:
        self.pool = pool
        self.urls = dict(urls or {})
        self.url_template = url_template
        self.heartbeat_ttl_s = heartbeat_ttl_s
        self._seen: dict[str, tuple[float, str]] = {}

    async def url(self, service: str) -> str:
        if service in self.urls:
            return self.urls[service].rstrip("/")
        if self.url_template:
            return self.url_template.replace("{service}", service).rstrip("/")
        seen = self._seen.get(service)
        if seen is not None and time.monotonic() - seen[0] < self.heartbeat_ttl_s:
            return seen[1]
        if self.pool is None:
            raise OwnerUnavailable(service, "no address for it and no database to read its heartbeat from")
        try:
            url = await self.pool.fetchval("SELECT http_url FROM ops.service_heartbeat WHERE service = $1", service)
        except (asyncpg.PostgresError, OSError) as exc:
            raise OwnerUnavailable(service, f"its address cannot be read ({type(exc).__name__})") from None
        if not url:
            raise OwnerUnavailable(service, "it has not said where it serves (no heartbeat): is it running?")
        self._seen[service] = (time.monotonic(), str(url).rstrip("/"))
        return self._seen[service][1]

    def forget(self, service: str) -> None:
        self._seen.pop(service, None)


class HttpOwners:
    """``Owners`` over HTTP (httpx), each owner found through the ``Directory``."""

    def __init__(self, client: httpx.AsyncClient, directory: Directory) -> None:
        self.client = client
        self.directory = directory

    async def call(
        self,
        method: str,
        service: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> OwnerAnswer:
        import httpx

        for attempt in (1, 2):  # a restarted owner serves elsewhere: read its heartbeat again, once
            base = await self.directory.url(service)
            try:
                response = await self.client.request(
                    method, base + path, params=params, json=json, content=content, headers=headers
                )
                break
            except httpx.TransportError as exc:
                self.directory.forget(service)
                if attempt == 2:
                    raise OwnerUnavailable(service, f"{type(exc).__name__} at {base}") from None
        if response.status_code >= 500:
            raise OwnerUnavailable(service, f"it answered {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise OwnerUnavailable(service, f"it answered {response.status_code} without JSON") from None
        return OwnerAnswer(response.status_code, body)
