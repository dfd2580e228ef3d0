"""The owners' HTTP routes (their queries and previews), called with httpx.

Each owner's base URL comes from the settings, else from its latest heartbeat in ``ops.service_heartbeat`` (every
service records where it serves). An owner that cannot be reached, or answers 5xx or no JSON, is
``OwnerUnavailable``: the API answers 503 naming it; any other answer goes back to the caller of ``call``."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

import asyncpg
import httpx

from asinflow_listings_api.config import ApiSettings


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
    """What the routes need of the owners (a fake in unit tests)."""

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
    """Where each owner serves: settings first, else its heartbeat (cached ``heartbeat_ttl_s``)."""

    def __init__(self, pool: asyncpg.Pool, settings: ApiSettings) -> None:
        self.pool = pool
        self.settings = settings
        self._seen: dict[str, tuple[float, str]] = {}

    async def url(self, service: str) -> str:
        if service in self.settings.owner_urls:
            return self.settings.owner_urls[service].rstrip("/")
        if self.settings.owner_url_template:
            return self.settings.owner_url_template.replace("{service}", service).rstrip("/")
        seen = self._seen.get(service)
        if seen is not None and time.monotonic() - seen[0] < self.settings.heartbeat_ttl_s:
            return seen[1]
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
