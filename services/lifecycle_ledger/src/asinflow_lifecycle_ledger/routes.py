"""The lifecycle ledger's HTTP routes (its read model), beside /livez, /readyz and /metrics:

- ``GET /listings/{seller_id}/{sku}``: state, version, ASIN, issues and history of one listing (``asinflow
  listing show``) (``ListingView``); 404 when the ledger has no such listing.
- ``GET /listings?seller_id=…&state=…&issue_severity=…&batch_id=…&limit=…&cursor=…``: the current version of
  every listing matching all the filters given, in (seller_id, sku) order, ``limit`` (1–500, default 50) at a
  time; ``next_cursor`` (opaque) asks for the next page (``ListingPage``).
- ``GET /feeds/{batch_id}/report``: the feed processing report (``asinflow report``) (``FeedReport``); 404 when
  no listing came in that feed.
- ``GET /orphans``: events parked for a cause that has not come within the orphan timeout (``Orphans``).
- ``GET /illegal-transitions[?limit=…]``: transitions the state machine refused, most recent first.
- ``POST /proposals/states``: body ``{"proposal_ids": [...]}`` → the state, ASIN and issues of the versions those
  proposals started (those the ledger has seen; ``asinflow run --once`` waits on it). A query: it changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from typing import Any

import asyncpg
from asinflow_contracts.base import Id
from asinflow_contracts.issues import Severity
from asinflow_contracts.state_machine import TERMINAL_STATES, ListingState
from asinflow_runtime import http_json
from asinflow_runtime.pipeline import BatchHandler
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from asinflow_lifecycle_ledger.adapters import queries
from asinflow_lifecycle_ledger.adapters.search import ListingFilter, search

#: States in which no service moves a listing on by itself (the report's ``settled``, as ``asinflow report``).
SETTLED_STATES: frozenset[str] = frozenset(
    {ListingState.THROTTLED, ListingState.ACTIVE, ListingState.INACTIVE, ListingState.SUPPRESSED, *TERMINAL_STATES}
)


class ListingsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seller_id: Id | None = Field(default=None, description="Only this seller's listings.")
    state: ListingState | None = Field(default=None, description="Only listings in this state.")
    issue_severity: Severity | None = Field(
        default=None, description="Only listings whose current issues include one of this severity."
    )
    batch_id: str | None = Field(default=None, min_length=1, max_length=200, description="Only this feed's listings.")
    limit: int = Field(default=50, ge=1, le=500, description="Listings per page.")
    cursor: str | None = Field(default=None, max_length=2_000, description="`next_cursor` of the previous page.")


class ListingPathParams(BaseModel):
    seller_id: Id = Field(description="The seller.")
    sku: Id = Field(description="The SKU.")


class BatchPath(BaseModel):
    batch_id: str = Field(min_length=1, max_length=200, description="The feed.")


class IllegalQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=50, ge=1, le=1_000, description="How many, most recent first.")


class ListingSummary(BaseModel):
    """The current version of a listing."""

    listing_id: str = Field(description="UUIDv5 of (seller_id, sku).")
    seller_id: str = Field(description="The seller.")
    sku: str = Field(description="The SKU.")
    version: int = Field(description="1 for the first proposal, +1 for each later one.")
    state: str = Field(description="proposed, validated, throttled, created, active, inactive, suppressed, rejected…")
    asin: str | None = Field(description="The ASIN, once known.")
    batch_id: str | None = Field(description="The feed the version came in.")
    proposal_id: str = Field(description="The proposal that started the version.")
    issues: list[dict[str, Any]] = Field(description="Its current issues (`code`, `severity`, `message`, `remedy`…).")
    updated_at: str = Field(description="When its state last changed (ISO 8601).")


class ListingPage(BaseModel):
    """One page of a listing search."""

    items: list[ListingSummary] = Field(description="In (seller_id, sku) order.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null: this is the last.")


class HistoryEntry(BaseModel):
    """One event the ledger applied (or refused) on the listing."""

    version: int = Field(description="The version it belongs to.")
    event_type: str = Field(description="The event.")
    event_id: str = Field(description="Its id.")
    from_state: str | None = Field(alias="from", description="The state before (null: a new version).")
    to: str | None = Field(description="The state after (null: refused).")
    legal: bool = Field(description="False: the state machine refused it (recorded, not applied).")
    error: str | None = Field(description="Why it was refused.")
    at: str = Field(description="When (ISO 8601).")


class ListingView(ListingSummary):
    """A listing with the history of all its versions."""

    history: list[HistoryEntry] = Field(description="Every event applied or refused, in order.")


class ReportItem(BaseModel):
    seller_id: str = Field(description="The seller.")
    sku: str = Field(description="The SKU.")
    state: str = Field(description="Its state.")
    asin: str | None = Field(description="Its ASIN, once known.")
    issues: list[dict[str, Any]] = Field(description="Its issues.")


class FeedReport(BaseModel):
    """A feed's processing report (DESIGN §6): per line its state and issues, and the summary."""

    batch_id: str = Field(description="The feed.")
    lines: int = Field(description="Listings in the feed.")
    settled: int = Field(description="Those no service moves on by itself any more.")
    accepted: int = Field(description="Those not rejected.")
    invalid: int = Field(description="Those rejected.")
    errors: int = Field(description="ERROR issues.")
    warnings: int = Field(description="WARNING issues.")
    by_state: dict[str, int] = Field(description="Listings per state.")
    by_code: dict[str, int] = Field(description="ERROR issues per code.")
    items: list[ReportItem] = Field(description="Per listing, by seller and SKU.")


class Orphan(BaseModel):
    service: str = Field(description="lifecycle-ledger.")
    event_id: str = Field(description="The parked event.")
    event_type: str | None = Field(description="Its type.")
    seller_id: str | None = Field(description="Its listing's seller.")
    sku: str | None = Field(description="Its listing's SKU.")
    waiting_for: str = Field(description="The event (or proposal) it waits for.")
    since: str = Field(description="When it was parked.")
    reason: str = Field(description="What it waits for, in words.")


class Orphans(BaseModel):
    """Events parked for a cause that has not come within the orphan timeout."""

    orphans: list[Orphan] = Field(description="Oldest first.")


class IllegalTransition(BaseModel):
    listing_id: str = Field(description="The listing.")
    seller_id: str = Field(description="The seller.")
    sku: str = Field(description="The SKU.")
    version: int = Field(description="The version.")
    event_type: str = Field(description="The refused event.")
    event_id: str = Field(description="Its id.")
    state: str | None = Field(description="The state it came in.")
    error: str | None = Field(description="Why it was refused.")
    at: str = Field(description="When (ISO 8601).")


class IllegalTransitions(BaseModel):
    """Transitions the state machine refused."""

    transitions: list[IllegalTransition] = Field(description="Most recent first.")


#: Proposals one ``POST /proposals/states`` may ask about (a body stays well under the 1 MiB a body may be).
MAX_PROPOSALS_ASKED = 10_000


class ProposalsAsked(BaseModel):
    model_config = ConfigDict(extra="forbid")

    proposal_ids: list[uuid.UUID] = Field(max_length=MAX_PROPOSALS_ASKED, description="The proposal events.")


class ProposalState(BaseModel):
    """The version a proposal started, as it stands."""

    proposal_id: str = Field(description="The proposal event.")
    seller_id: str = Field(description="The seller.")
    sku: str = Field(description="The SKU.")
    state: str = Field(description="Its state.")
    asin: str | None = Field(description="Its ASIN, once known.")
    issues: list[dict[str, Any]] = Field(description="Its current issues.")


class ProposalStates(BaseModel):
    """The versions the proposals asked about started (a proposal the ledger has not seen yet is not there)."""

    proposals: list[ProposalState] = Field(description="In no particular order.")


def routes(pool: asyncpg.Pool, handler: BatchHandler) -> list[BaseRoute]:
    async def get_listing(request: Request) -> ListingView:
        path = http_json.params(request.path_params, ListingPathParams)
        async with http_json.read_only(pool) as conn:
            view = await queries.listing_view(conn, path.seller_id, path.sku)
        if view is None:
            raise http_json.Problem(404, f"no listing {path.seller_id} / {path.sku}")
        return ListingView.model_validate(view)

    async def get_listings(request: Request) -> ListingPage:
        asked = http_json.query(request, ListingsQuery)
        where = ListingFilter(
            seller_id=asked.seller_id,
            state=asked.state.value if asked.state else None,
            issue_severity=asked.issue_severity.value if asked.issue_severity else None,
            batch_id=asked.batch_id,
        )
        async with http_json.read_only(pool) as conn:
            items, more = await search(conn, where, _after(asked.cursor), asked.limit)
        last = items[-1] if items and more else None
        return ListingPage(
            items=[ListingSummary.model_validate(i) for i in items],
            next_cursor=_cursor(last["seller_id"], last["sku"]) if last else None,
        )

    async def get_report(request: Request) -> FeedReport:
        batch_id = http_json.params(request.path_params, BatchPath).batch_id
        async with http_json.read_only(pool) as conn:
            report = await queries.batch_report(conn, batch_id, SETTLED_STATES)
        if not report["items"]:
            raise http_json.Problem(404, f"no listings for batch {batch_id!r}")
        return FeedReport.model_validate(report)

    async def get_orphans(request: Request) -> Orphans:
        http_json.query(request, _NoParams)
        async with http_json.read_only(pool) as conn:
            return Orphans.model_validate({"orphans": await queries.orphans(conn)})

    async def get_illegal(request: Request) -> IllegalTransitions:
        limit = http_json.query(request, IllegalQuery).limit
        async with http_json.read_only(pool) as conn:
            return IllegalTransitions.model_validate({"transitions": await queries.illegal_transitions(conn, limit)})

    async def post_proposal_states(request: Request) -> ProposalStates:
        asked = await http_json.body(request, ProposalsAsked)
        async with http_json.read_only(pool) as conn:
            rows = await queries.proposals_state(conn, asked.proposal_ids)
        return ProposalStates.model_validate({"proposals": [{**r, "proposal_id": str(r["proposal_id"])} for r in rows]})

    return [
        Route("/listings", http_json.endpoint(get_listings), methods=["GET"]),
        Route("/listings/{seller_id}/{sku:path}", http_json.endpoint(get_listing), methods=["GET"]),
        Route("/feeds/{batch_id:path}/report", http_json.endpoint(get_report), methods=["GET"]),
        Route("/orphans", http_json.endpoint(get_orphans), methods=["GET"]),
        Route("/illegal-transitions", http_json.endpoint(get_illegal), methods=["GET"]),
        Route("/proposals/states", http_json.endpoint(post_proposal_states), methods=["POST"]),
    ]


class _NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _cursor(seller_id: str, sku: str) -> str:
    """An opaque cursor: the (seller_id, sku) the next page starts after."""
    return base64.urlsafe_b64encode(json.dumps([seller_id, sku]).encode()).decode().rstrip("=")


def _after(cursor: str | None) -> tuple[str, str] | None:
    if cursor is None:
        return None
    try:
        after = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        after = None
    if not (isinstance(after, list) and len(after) == 2 and all(isinstance(a, str) for a in after)):
        raise http_json.Problem(
            400, "cursor is not one this API gave: pass `next_cursor` of the previous page as it is"
        )
    return after[0], after[1]
