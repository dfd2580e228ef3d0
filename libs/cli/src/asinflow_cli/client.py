"""The CLI as a client of the services: read commands ask the owner of what they show over its own HTTP routes
(docs/service-routes.md) instead of importing its code or reading its tables, so what they print is the service's
own answer (``asinflow quota show`` prints the creation-quota service's figures, from its settings and clock).

Where each service serves: ``.asinflow/stack.env`` of a running ``asinflow run`` first, else the service's latest
heartbeat in PostgreSQL (``asinflow_runtime.owners``, the same lookup the listings API uses). A service that does
not answer is ``OwnerUnavailable`` and a refusal (4xx other than 404) ``Refused``: ``errors.user_message`` turns
both into one line."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from asinflow_runtime.owners import Owners, segment

from asinflow_cli import connect, stackfile

if TYPE_CHECKING:
    from asinflow_runtime.settings import InfraSettings

__all__ = ["Client", "Refused", "connected", "segment"]

#: How long a service may take to answer the CLI.
TIMEOUT_S = 30.0


class Refused(Exception):
    """A service refused what the CLI asked (a 4xx other than 404): its own words."""

    def __init__(self, service: str, status: int, error: str) -> None:
        super().__init__(f"the {service} service refused ({status}): {error}")


class Client:
    """GET and POST over the services' routes; a 404 is None (no such listing, item, request…)."""

    def __init__(self, owners: Owners) -> None:
        self.owners = owners

    async def get(self, service: str, path: str, params: dict[str, str] | None = None) -> Any:
        answer = await self.owners.call("GET", service, path, params=params)
        return self._body(service, answer.status, answer.body, answer.error)

    async def post(self, service: str, path: str, body: Any) -> Any:
        answer = await self.owners.call("POST", service, path, json=body)
        return self._body(service, answer.status, answer.body, answer.error)

    @staticmethod
    def _body(service: str, status: int, body: Any, error: str) -> Any:
        if status == 404:
            return None
        if status != 200:
            raise Refused(service, status, error)
        return body


@contextlib.asynccontextmanager
async def connected(settings: InfraSettings | None = None) -> AsyncIterator[Client]:
    """A client for one command: the services' URLs from the stack file, else from their heartbeats in the
    database of ``settings`` (default: the stack's, ``stackfile.resolve``)."""
    import httpx
    from asinflow_runtime.owners import Directory, HttpOwners

    settings = settings or stackfile.resolve()
    urls = stackfile.service_urls()
    async with connect.database(settings) as pool, httpx.AsyncClient(timeout=TIMEOUT_S) as http:
        yield Client(HttpOwners(http, Directory(pool, urls=urls)))
