"""Calling the services' own HTTP routes (their queries and previews) the way an integrator does: JSON over HTTP
with urllib, in a thread so the test's event loop (where the services run) keeps serving."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from asinflow_runtime.service import ServiceRuntime


def url(runtime: ServiceRuntime, path: str, **query: Any) -> str:
    assert runtime.server is not None
    given = {k: v for k, v in query.items() if v is not None}
    return f"{runtime.server.url}{path}" + (f"?{urllib.parse.urlencode(given)}" if given else "")


async def call(
    method: str, address: str, body: bytes | dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """(status, decoded JSON body) of one request; a body that is not JSON comes back as text."""
    data = json.dumps(body).encode() if isinstance(body, dict) else body

    def fetch() -> tuple[int, bytes]:
        request = urllib.request.Request(address, data=data, method=method, headers=headers or {})
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    status, raw = await asyncio.to_thread(fetch)
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


async def get(runtime: ServiceRuntime, path: str, **query: Any) -> tuple[int, Any]:
    return await call("GET", url(runtime, path, **query))


async def post(
    runtime: ServiceRuntime, path: str, body: bytes | dict[str, Any], headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    return await call("POST", url(runtime, path), body, headers)


async def ok(answer: Any) -> Any:
    """The body of a 200 answer (fails with the answer otherwise)."""
    status, body = await answer
    assert status == 200, (status, body)
    return body
