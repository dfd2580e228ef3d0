"""JSON over HTTP for a service's own routes (``routes.py``): bodies and query parameters read into pydantic
models with the contracts' own checks, answers written from models, and the caller's mistakes answered 4xx with
a message (``{"error": …}``), never a 500. Reads run on a connection of the pool in a READ ONLY transaction: a
query or a preview cannot write, whatever it calls.

Every service's ``routes.py`` uses it (``ServiceSpec.routes``); its routes are served beside /livez, /readyz and
/metrics (``endpoints.py``)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, TypeVar

import asyncpg
from asinflow_contracts.base import BOUNDS_CHECKED
from asinflow_contracts.bounds import first_problem, might_break_bounds
from asinflow_contracts.codec import Undecodable, decode_json
from asinflow_contracts.limits import MAX_MESSAGE_BYTES
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from asinflow_runtime.records import schema_problems

M = TypeVar("M", bound=BaseModel)


class Problem(Exception):
    """The caller's mistake: answered ``status`` with ``{"error": message, **details}``."""

    def __init__(self, status: int, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details


def endpoint(answer: Callable[[Request], Awaitable[BaseModel]]) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint answering the model ``answer`` returns as JSON, or the ``Problem`` it raises."""

    async def respond(request: Request) -> Response:
        try:
            result = await answer(request)
        except Problem as problem:
            return JSONResponse({"error": problem.message, **problem.details}, problem.status)
        return JSONResponse(result.model_dump(mode="json", by_alias=True))

    return respond


#: An oversized body up to this size is read to its end (and dropped) before the 413, so that the client, still
#: sending, gets the answer rather than a reset connection; a larger one is answered at once.
DRAIN_BYTES = 4 * MAX_MESSAGE_BYTES


async def raw_body(request: Request) -> bytes:
    """The request's body: at most what a message may carry (413 beyond), not empty (400)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_MESSAGE_BYTES:
        if int(declared) <= DRAIN_BYTES:
            await _drain(request)
        raise Problem(413, f"the body is {int(declared):,} bytes; at most {MAX_MESSAGE_BYTES:,} are accepted")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_MESSAGE_BYTES:
            raise Problem(413, f"the body is over {MAX_MESSAGE_BYTES:,} bytes, the most that is accepted")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        raise Problem(400, "the body is empty: send a JSON object")
    return raw


async def _drain(request: Request) -> None:
    async for _ in request.stream():
        pass


def parsed(raw: bytes, model: type[M]) -> M:
    """``raw`` read into ``model`` the way a consumer reads an event body (straight from bytes when a scan shows
    it within the bounds, else decoded and walked whole): 400 when it is not JSON, 422 naming the fields."""
    try:
        if not might_break_bounds(raw):
            return model.model_validate_json(raw, context={BOUNDS_CHECKED: True})
        return model.model_validate(decode_json(raw))
    except Undecodable as exc:
        raise Problem(400, f"the body is not JSON: {exc.detail}") from None
    except ValidationError as exc:
        if exc.errors(include_url=False)[0]["type"] == "json_invalid":
            raise Problem(400, f"the body is not JSON: {schema_problems(exc)}") from None
        raise Problem(422, schema_problems(exc)) from None


async def body(request: Request, model: type[M]) -> M:
    return parsed(await raw_body(request), model)


def params(values: Mapping[str, str], model: type[M]) -> M:
    """Query (or path) parameters read into ``model``: 400 for a value PostgreSQL could not even compare (a NUL
    character, a lone surrogate), 422 naming the parameters that are wrong."""
    problem = first_problem(dict(values))
    if problem is not None:
        raise Problem(400, f"parameter {problem}")
    try:
        return model.model_validate(dict(values))
    except ValidationError as exc:
        raise Problem(422, schema_problems(exc)) from None


def query(request: Request, model: type[M]) -> M:
    """The query parameters, each given at most once (400 otherwise), read into ``model``."""
    repeated = sorted({key for key in request.query_params if len(request.query_params.getlist(key)) > 1})
    if repeated:
        raise Problem(400, f"give each query parameter once: {', '.join(repeated)} repeated")
    return params(request.query_params, model)


@contextlib.asynccontextmanager
async def read_only(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A connection of the pool in a READ ONLY transaction: one snapshot for every read, and no write possible."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        yield conn
