"""The listings API (FastAPI): sellers' and operators' HTTP entry to the pipeline (issue 13, docs/api.md).

Every route authenticates the key (``Authorization: Bearer <key>`` or ``X-Api-Key``), asks
``domain.authorization`` before looking anything up, then reads from the owning service's own routes or
publishes what it is asked to. 401/403 and every mistake of the caller are ``{"error": …}``."""

import urllib.parse
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from asinflow_brands import registry_message_key
from asinflow_contracts import topics
from asinflow_contracts.events import ListingDeletionRequested
from asinflow_contracts.ids import listing_id
from asinflow_contracts.issues import Severity
from asinflow_contracts.limits import MAX_PROPOSAL_BYTES
from asinflow_contracts.state_machine import ListingState
from asinflow_runtime import dead_letters
from asinflow_runtime.upstream import Proposal
from fastapi import Depends, FastAPI, Path, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from asinflow_listings_api import openapi, previews
from asinflow_listings_api.adapters.owners import OwnerAnswer, Owners, OwnerUnavailable, segment
from asinflow_listings_api.adapters.readmodels import ApprovalRequests, DeadLetters, Unavailable
from asinflow_listings_api.domain import operations
from asinflow_listings_api.domain.authorization import Action, Principal, Role, authorize, scope
from asinflow_listings_api.domain.operations import Operation
from asinflow_listings_api.domain.proposals import BadRequest, decode_body, proposal
from asinflow_listings_api.domain.views import listing_detail, seller_report
from asinflow_listings_api.schemas import (
    Accepted,
    ApprovalDecisionBody,
    ApprovalRequestBody,
    ApprovalRequestPage,
    BrandAuthorizationBody,
    BrandPrefixBody,
    BrandRegistrationBody,
    DeadLetterList,
    ExemptionBody,
    FeedReport,
    Listing,
    ListingPage,
    PolicyReportBody,
    Preview,
    Problem,
    Published,
    Quota,
    QuotaRestoreBody,
    ReactivationDecisionBody,
    ReactivationRequestBody,
    ReplayBody,
    Replayed,
    Restrictions,
)

# Answers the owners give (a listing, a page, a quota, a report) go back as they are (JSONResponse): the owner is
# the authority over their fields; the response models document them in the OpenAPI document.

#: A seller, SKU or feed id: what the contracts accept (≤ 200 characters), without control characters.
Ident = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
IdentQuery = Query(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")
#: A request id in a path: an ident without `/`.
RequestId = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[^/\x00-\x1f\x7f]+$")]


class Publisher:
    """What the routes publish (``adapters.publisher.KafkaPublisher``; a fake in unit tests)."""

    async def propose(self, proposal: Proposal) -> None:
        raise NotImplementedError

    async def send(self, topic: str, key: str, event: BaseModel, *, unique: bool = False) -> uuid.UUID:
        raise NotImplementedError


@dataclass
class Deps:
    find_key: Callable[[str], Awaitable[Principal | None]]
    owners: Owners
    publisher: Publisher
    approval_requests: ApprovalRequests = field(default_factory=Unavailable)
    dead_letters: DeadLetters = field(default_factory=Unavailable)


class Refused(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": words}
    for code, words in {
        400: "Bad input.",
        401: "No key, or an unknown or revoked one.",
        403: "The key may not do this (the reason says why).",
        404: "Not found (or not yours: a seller sees only its own).",
        413: "The body is too large.",
        422: "A parameter or the body breaks the contract (each one named).",
        503: "An owning service or the broker does not answer; try again.",
    }.items()
}


def create_app(deps: Deps, extra_routes: Callable[[FastAPI], None] | None = None) -> FastAPI:
    app = FastAPI(
        title="asinflow listings API",
        version="1",
        summary="Listings, previews, restrictions, quotas and feed reports over HTTP, for sellers and operators.",
        responses=ERRORS,
    )
    bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer <key>` (`asinflow api-key create`).")
    header = APIKeyHeader(name="X-Api-Key", auto_error=False, description="The key in its own header.")

    async def principal(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
        api_key: Annotated[str | None, Security(header)],
    ) -> Principal:
        token = credentials.credentials if credentials is not None else api_key
        if not token:
            raise Refused(401, "no API key: send `Authorization: Bearer <key>` or `X-Api-Key: <key>`", _challenge())
        found = await deps.find_key(token)
        if found is None:
            raise Refused(401, "unknown or revoked API key", _challenge())
        return found

    Caller = Annotated[Principal, Depends(principal)]

    def allow(who: Principal, action: Action, seller_id: str | None) -> str | None:
        verdict = authorize(who, action, seller_id)
        if not verdict.allowed:
            raise Refused(403, verdict.reason)
        return verdict.only_seller

    async def owner(method: str, service: str, path: str, **kwargs: Any) -> OwnerAnswer:
        return await deps.owners.call(method, service, path, **kwargs)

    def passed_through(answer: OwnerAnswer, not_found: str | None = None) -> dict[str, Any]:
        """The owner's 200 answer; its 404 as ours (``not_found``: in our words); its other refusals as they are."""
        if answer.status == 200 and isinstance(answer.body, dict):
            return answer.body
        if answer.status == 404:
            raise Refused(404, not_found or answer.error)
        raise Refused(answer.status if 400 <= answer.status < 500 else 502, answer.error)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> JSONResponse:
        return JSONResponse({"error": exc.message}, exc.status, headers=exc.headers)

    @app.exception_handler(BadRequest)
    async def bad_request(request: Request, exc: BadRequest) -> JSONResponse:
        return JSONResponse({"error": exc.message, **exc.details}, exc.status)

    @app.exception_handler(OwnerUnavailable)
    async def unavailable(request: Request, exc: OwnerUnavailable) -> JSONResponse:
        return JSONResponse({"error": str(exc), "service": exc.service}, 503, headers={"Retry-After": "1"})

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"attribute": ".".join(str(p) for p in e.get("loc", ())), "message": str(e.get("msg"))}
            for e in exc.errors()
        ]
        summary = "; ".join(f"{p['attribute']}: {p['message']}" for p in problems)
        return JSONResponse({"error": f"invalid request: {summary}", "problems": problems}, 422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, exc.status_code, headers=exc.headers)

    # ------------------------------------------------------------------------------------------- listings

    @app.get("/listings/{seller}/{sku:path}", response_model=Listing, tags=["listings"])
    async def get_listing(seller: Ident, sku: Ident, who: Caller) -> JSONResponse:
        """A listing: state, version, ASIN, status set (BUYABLE, DISCOVERABLE, DELETED), issues and history."""
        allow(who, Action.READ_LISTING, seller)
        found = passed_through(
            await owner("GET", "lifecycle-ledger", f"/listings/{segment(seller)}/{segment(sku)}"),
            f"no listing {seller} / {sku}",
        )
        status = await owner("GET", "activation", f"/listings/{listing_id(seller, sku)}")
        return JSONResponse(listing_detail(found, status.body if status.status == 200 else None))

    @app.get("/listings", response_model=ListingPage, tags=["listings"])
    async def search_listings(
        who: Caller,
        seller: Annotated[str | None, IdentQuery] = None,
        state: ListingState | None = None,
        issue_severity: Severity | None = None,
        batch_id: Annotated[str | None, IdentQuery] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        cursor: Annotated[str | None, Query(max_length=2_000)] = None,
    ) -> JSONResponse:
        """Listings matching every filter given, in (seller, SKU) order, `limit` a page; `next_cursor` for the
        next. A seller key searches its own listings (``seller`` may be omitted); an operator's, every seller's."""
        seller = scope(who, seller)
        allow(who, Action.SEARCH_LISTINGS, seller)
        asked = {
            "seller_id": seller,
            "state": state.value if state else None,
            "issue_severity": issue_severity.value if issue_severity else None,
            "batch_id": batch_id,
            "limit": str(limit),
            "cursor": cursor,
        }
        params = {k: v for k, v in asked.items() if v is not None}
        return JSONResponse(passed_through(await owner("GET", "lifecycle-ledger", "/listings", params=params)))

    @app.put(
        "/listings/{seller}/{sku:path}",
        response_model=Accepted | Preview,
        status_code=202,
        tags=["listings"],
        responses={200: {"model": Preview, "description": "`mode=preview`: every decision, nothing published."}},
        openapi_extra=openapi.PROPOSAL_BODY,
    )
    async def put_listing(
        seller: Ident,
        sku: Ident,
        request: Request,
        who: Caller,
        mode: Literal["submit", "preview"] = "submit",
    ) -> Any:
        """Submit a proposal (publishes `listing.proposed`; 202 with its proposal id), or with `mode=preview` ask
        every owner what it would decide, in pipeline order, without effects (200, VALID or INVALID)."""
        allow(who, Action.PREVIEW_LISTING if mode == "preview" else Action.SUBMIT_LISTING, seller)
        message = proposal(seller, sku, decode_body(await _body(request)))
        if mode == "preview":
            return JSONResponse(await previews.preview(deps.owners, message), 200)
        await deps.publisher.propose(message)
        return Accepted(
            listing_id=str(message.listing_id),
            seller_id=message.seller_id,
            sku=message.sku,
            proposal_id=str(message.event_id),
            location=f"/listings/{segment(message.seller_id)}/{segment(message.sku)}",
        )

    @app.delete("/listings/{seller}/{sku:path}", response_model=Accepted, status_code=202, tags=["listings"])
    async def delete_listing(
        seller: Ident,
        sku: Ident,
        who: Caller,
        reason: Annotated[str, Query(max_length=10_000)] = "",
    ) -> Accepted:
        """Close the listing: publishes `listing.deletion-requested`; its offer leaves its ASIN and its status
        becomes DELETED once the owners applied it. 404 when the ledger has no such listing."""
        allow(who, Action.DELETE_LISTING, seller)
        passed_through(
            await owner("GET", "lifecycle-ledger", f"/listings/{segment(seller)}/{segment(sku)}"),
            f"no listing {seller} / {sku}",
        )
        requested_by = f"seller:{who.seller_id}" if who.role is Role.SELLER else f"operator:{who.key_id}"
        event = ListingDeletionRequested(seller_id=seller, sku=sku, requested_by=requested_by, reason=reason)
        lid = str(listing_id(seller, sku))
        request_id = await deps.publisher.send(topics.LISTING_DELETION_REQUESTED, lid, event, unique=True)
        return Accepted(
            listing_id=lid,
            seller_id=seller,
            sku=sku,
            request_id=str(request_id),
            location=f"/listings/{segment(seller)}/{segment(sku)}",
        )

    # ------------------------------------------------------------------------------------------- the rest

    @app.get("/restrictions", response_model=Restrictions, tags=["restrictions"])
    async def get_restrictions(
        who: Caller,
        seller: Annotated[str | None, IdentQuery] = None,
        brand: Annotated[str | None, IdentQuery] = None,
        asin: Annotated[str | None, Query(pattern=r"^B0[0-9A-Z]{8}$")] = None,
        sku: Annotated[str | None, IdentQuery] = None,
    ) -> Restrictions:
        """Before publishing: may the seller create a new ASIN for `brand` (brand gating and its weekly quota),
        or offer on `asin` (the catalog and its quota)? Give exactly one of `brand` and `asin`."""
        if (brand is None) == (asin is None):
            raise Refused(400, "give exactly one of `brand` (a new ASIN for it) and `asin` (an offer on it)")
        seller = scope(who, seller)
        if seller is None:
            raise Refused(400, "give `seller`: restrictions are a seller's")
        allow(who, Action.READ_RESTRICTIONS, seller)
        answers: dict[str, dict[str, Any]] = {}
        if brand is not None:
            params = {"seller_id": seller, "brand": brand} | ({"sku": sku} if sku else {})
            answers["brand-gating"] = passed_through(await owner("GET", "brand-gating", "/restrictions", params=params))
            allowed_by = [bool(answers["brand-gating"].get("may_create"))]
        else:
            assert asin is not None
            answers["catalog"] = passed_through(await owner("GET", "catalog", "/restrictions", params={"asin": asin}))
            allowed_by = [bool(answers["catalog"].get("may_attach"))]
        quota = passed_through(await owner("GET", "creation-quota", "/restrictions", params={"seller_id": seller}))
        answers["creation-quota"] = quota
        allowed_by.append(bool(quota.get("may_create")))
        reasons = [r for answer in answers.values() for r in answer.get("reasons", []) or []]
        return Restrictions(
            seller_id=seller, brand=brand, asin=asin, allowed=all(allowed_by), reasons=reasons, owners=answers
        )

    @app.get("/sellers/{seller}/quota", response_model=Quota, tags=["sellers"])
    async def get_quota(seller: Ident, who: Caller) -> JSONResponse:
        """The seller's weekly creation quota: week, limit, used, withdrawn, when it resets, and why."""
        allow(who, Action.READ_QUOTA, seller)
        return JSONResponse(passed_through(await owner("GET", "creation-quota", f"/sellers/{segment(seller)}/quota")))

    @app.get("/feeds/{batch_id:path}/report", response_model=FeedReport, tags=["feeds"])
    async def get_report(batch_id: Ident, who: Caller) -> JSONResponse:
        """The feed's processing report: per line its state and issues, and the counts. A seller sees only its
        own lines (404 when it has none in the feed)."""
        only = allow(who, Action.READ_FEED_REPORT, None)
        missing = f"no listings for feed {batch_id!r}"
        report = passed_through(await owner("GET", "lifecycle-ledger", f"/feeds/{segment(batch_id)}/report"), missing)
        mine = report if only is None else seller_report(report, only)
        if mine is None:
            raise Refused(404, missing)
        return JSONResponse(mine)

    # ------------------------------------------------------------------------------------------- operations
    # The operations the CLI has, publishing the same events (``domain.operations``); 202 once the broker has them.

    async def publish(operation: Operation, location: str | None) -> Published:
        event_id = await deps.publisher.send(operation.topic, operation.key, operation.event, unique=operation.unique)
        return Published(event=operation.topic, event_id=str(event_id), id=operation.cites, location=location)

    async def brand_owner(who: Principal, brand: str) -> str | None:
        """The brand's owner as brand gating's registry says (None: not registered); only asked for a seller key."""
        if who.role is Role.OPERATOR:
            return None
        params = {"seller_id": who.seller_id or "", "brand": brand}
        answer = passed_through(await owner("GET", "brand-gating", "/restrictions", params=params))
        found = answer.get("owner_seller_id") if answer.get("registered", True) else None
        return found if isinstance(found, str) else None

    def requests_page(rows: list[dict[str, Any]], limit: int) -> dict[str, Any]:
        items = rows[:limit]
        return {"items": items, "next_cursor": items[-1]["request_id"] if len(rows) > limit else None}

    ApprovalStatus = Literal["incomplete", "pending", "approved", "rejected"]
    Limit = Annotated[int, Query(ge=1, le=500)]
    Cursor = Annotated[str | None, Query(min_length=1, max_length=200, description="`next_cursor` of a page.")]

    @app.post(
        "/sellers/{seller}/approval-requests", response_model=Published, status_code=202, tags=["brand approvals"]
    )
    async def file_approval_request(seller: Ident, body: ApprovalRequestBody, who: Caller) -> Published:
        """File a brand approval request with the evidence (publishes `brand.approval.requested`, as `asinflow brand
        request`); the brand's owner or an operator decides it. Brand gating records it `incomplete` (with what
        is missing) or `pending`: follow it with `GET /sellers/{seller}/approval-requests`."""
        allow(who, Action.FILE_APPROVAL_REQUEST, seller)
        operation = operations.approval_request(seller, body)
        return await publish(operation, f"/sellers/{segment(seller)}/approval-requests")

    @app.get("/sellers/{seller}/approval-requests", response_model=ApprovalRequestPage, tags=["brand approvals"])
    async def seller_approval_requests(
        seller: Ident,
        who: Caller,
        brand: Annotated[str | None, IdentQuery] = None,
        status: ApprovalStatus | None = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> dict[str, Any]:
        """The seller's own approval requests (of `brand`), with their status and what each one lacks."""
        allow(who, Action.READ_APPROVAL_REQUESTS, seller)
        rows = await deps.approval_requests.find(
            brand_key=registry_message_key(brand) if brand else None,
            seller_id=seller,
            status=status,
            after=cursor,
            limit=limit + 1,
        )
        return requests_page(rows, limit)

    @app.get("/brands/{brand:path}/approval-requests", response_model=ApprovalRequestPage, tags=["brand approvals"])
    async def brand_approval_requests(
        brand: Ident,
        who: Caller,
        status: ApprovalStatus | None = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> dict[str, Any]:
        """Every seller's approval requests for the brand: for its owner (a seller key of the seller brand gating's
        registry names) and operators. Another seller lists its own with `GET /sellers/{seller}/approval-requests`."""
        allow(who, Action.READ_BRAND_APPROVAL_REQUESTS, await brand_owner(who, brand))
        rows = await deps.approval_requests.find(
            brand_key=registry_message_key(brand),
            seller_id=None,
            status=status,
            after=cursor,
            limit=limit + 1,
        )
        return requests_page(rows, limit)

    @app.post(
        "/brands/{brand:path}/approval-requests/{request_id}/decision",
        response_model=Published,
        status_code=202,
        tags=["brand approvals"],
    )
    async def decide_approval_request(
        brand: Ident, request_id: RequestId, body: ApprovalDecisionBody, who: Caller
    ) -> Published:
        """Approve or reject a request (publishes `brand.approval.decided`, as `asinflow brand decide`): the brand's
        owner or an operator. Brand gating applies it, or refuses it (a request of another brand, incomplete or
        decided already) and records why."""
        allow(who, Action.DECIDE_APPROVAL_REQUEST, await brand_owner(who, brand))
        operation = operations.approval_decision(who, brand, request_id, body)
        return await publish(operation, f"/brands/{segment(brand)}/approval-requests")

    # ------------------------------------------------------------------------------------------- brand registry
    # ``asinflow brand register|authorize|revoke|prefix|exempt|unexempt``: the same registry events. Brand gating
    # applies each, or refuses it (an unknown brand, ``by`` not its owner) and records why in the brand's history.

    def restrictions_of(seller: str, brand: str) -> str:
        return "/restrictions?" + urllib.parse.urlencode({"seller": seller, "brand": brand})

    Reason = Annotated[str, Query(max_length=10_000, description="Why, for the brand's history.")]

    @app.post("/brands", response_model=Published, status_code=202, tags=["brand registry"])
    async def register_brand(body: BrandRegistrationBody, who: Caller) -> Published:
        """Register a brand with its owner (operators; publishes `brand.registered`, as `asinflow brand register`).
        `id` is the brand's normalised key; `location` asks whether its owner may create ASINs for it."""
        allow(who, Action.REGISTER_BRAND, None)
        operation = operations.brand_registration(body)
        return await publish(operation, restrictions_of(body.owner_seller_id, body.brand))

    @app.post("/brands/{brand:path}/authorizations", response_model=Published, status_code=202, tags=["brand registry"])
    async def authorize_brand_seller(brand: Ident, body: BrandAuthorizationBody, who: Caller) -> Published:
        """Authorise a seller to create new ASINs for the brand, for every SKU or only `skus` (the brand's owner or
        an operator; publishes `brand.authorization.granted`, as `asinflow brand authorize`)."""
        allow(who, Action.AUTHORIZE_BRAND_SELLER, await brand_owner(who, brand))
        operation = operations.authorization_grant(who, brand, body)
        return await publish(operation, restrictions_of(body.seller_id, brand))

    @app.delete(
        "/brands/{brand:path}/authorizations/{seller}",
        response_model=Published,
        status_code=202,
        tags=["brand registry"],
    )
    async def revoke_brand_seller(brand: Ident, seller: RequestId, who: Caller, reason: Reason = "") -> Published:
        """End a seller's authorisation for the brand: its new-ASIN listings of the brand are gated again (the
        brand's owner or an operator; publishes `brand.authorization.revoked`, as `asinflow brand revoke`)."""
        allow(who, Action.REVOKE_BRAND_SELLER, await brand_owner(who, brand))
        operation = operations.authorization_revocation(who, brand, seller, reason)
        return await publish(operation, restrictions_of(seller, brand))

    @app.post("/brands/{brand:path}/prefixes", response_model=Published, status_code=202, tags=["brand registry"])
    async def register_brand_prefix(brand: Ident, body: BrandPrefixBody, who: Caller) -> Published:
        """Register a GS1 company prefix licensed by the brand's owner: GTINs with it belong to the brand (the
        brand's owner or an operator; publishes `brand.prefix.registered`, as `asinflow brand prefix`)."""
        allow(who, Action.REGISTER_BRAND_PREFIX, await brand_owner(who, brand))
        return await publish(operations.prefix_registration(who, brand, body), None)

    @app.post("/brands/{brand:path}/exemptions", response_model=Published, status_code=202, tags=["brand registry"])
    async def grant_exemption(brand: Ident, body: ExemptionBody, who: Caller) -> Published:
        """Grant a GTIN exemption to the brand, or to one SKU of it (operators; publishes `brand.exemption.granted`, as
        `asinflow brand exempt`). `id` is the exemption's id, for proposals to cite in `exemption_id`."""
        allow(who, Action.GRANT_EXEMPTION, body.seller_id)
        return await publish(operations.exemption_grant(brand, body), None)

    @app.delete(
        "/brands/{brand:path}/exemptions/{exemption_id}",
        response_model=Published,
        status_code=202,
        tags=["brand registry"],
    )
    async def revoke_exemption(brand: Ident, exemption_id: RequestId, who: Caller, reason: Reason = "") -> Published:
        """Revoke a GTIN exemption of the brand: proposals citing it are rejected IDENTIFIER_MISSING from then on
        (operators; publishes `brand.exemption.revoked`, as `asinflow brand unexempt`)."""
        allow(who, Action.REVOKE_EXEMPTION, None)
        return await publish(operations.exemption_revocation(brand, exemption_id, reason), None)

    @app.post("/policy-violations", response_model=Published, status_code=202, tags=["policy"])
    async def report_policy_violation(body: PolicyReportBody, who: Caller) -> Published:
        """Report a policy violation (operators; publishes `policy.violation.reported`, as `asinflow policy report`):
        suppresses the listing, or every listing of the ASIN."""
        allow(who, Action.REPORT_POLICY_VIOLATION, body.seller_id)
        operation = operations.policy_report(who, body)
        where = f"/listings/{segment(body.seller_id)}/{segment(body.sku)}" if body.seller_id and body.sku else None
        return await publish(operation, where)

    @app.post(
        "/listings/{seller}/{sku:path}/reactivation-requests",
        response_model=Published,
        status_code=202,
        tags=["policy"],
    )
    async def request_reactivation(seller: Ident, sku: Ident, body: ReactivationRequestBody, who: Caller) -> Published:
        """The seller asks to reactivate its suppressed listing, saying how the root cause was fixed (publishes
        `reactivation.requested`, as `asinflow policy reactivate`); an operator decides. Activation records
        it, or refuses it (the listing is not suppressed) and records why."""
        allow(who, Action.REQUEST_REACTIVATION, seller)
        operation = operations.reactivation_request(seller, sku, body)
        return await publish(operation, f"/listings/{segment(seller)}/{segment(sku)}")

    @app.post(
        "/listings/{seller}/{sku:path}/reactivation-requests/{request_id}/decision",
        response_model=Published,
        status_code=202,
        tags=["policy"],
    )
    async def decide_reactivation(
        seller: Ident, sku: Ident, request_id: RequestId, body: ReactivationDecisionBody, who: Caller
    ) -> Published:
        """Approve or reject a reactivation request of the listing (operators; publishes
        `reactivation.decided`, as `asinflow policy decide`). 404 when activation knows no such request
        of this listing."""
        allow(who, Action.DECIDE_REACTIVATION, seller)
        lid = listing_id(seller, sku)
        view = passed_through(
            await owner("GET", "activation", f"/listings/{lid}"), f"no created listing {seller} / {sku}"
        )
        known = {str(r.get("request_id")) for r in view.get("requests", []) or [] if isinstance(r, dict)}
        if request_id not in known:
            raise Refused(404, f"no reactivation request {request_id!r} of listing {seller} / {sku}")
        operation = operations.reactivation_decision(who, seller, sku, request_id, body)
        return await publish(operation, f"/listings/{segment(seller)}/{segment(sku)}")

    @app.post("/sellers/{seller}/quota/restore", response_model=Published, status_code=202, tags=["sellers"])
    async def restore_quota(seller: Ident, body: QuotaRestoreBody, who: Caller) -> Published:
        """Give the seller its creation rights back until the next weekly re-evaluation (operators; publishes
        `seller.creation.restored`, as `asinflow quota restore`)."""
        allow(who, Action.RESTORE_QUOTA, seller)
        return await publish(operations.quota_restore(who, seller, body), f"/sellers/{segment(seller)}/quota")

    @app.get("/dead-letters", response_model=DeadLetterList, tags=["dead letters"])
    async def list_dead_letters(
        who: Caller,
        reason: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
        topic: Annotated[str | None, Query(min_length=1, max_length=300, description="The original topic.")] = None,
    ) -> dict[str, Any]:
        """Every dead letter (operators; `asinflow dlq list`): the reason, the service, where it came from, its
        first 2,000 characters."""
        allow(who, Action.LIST_DEAD_LETTERS, None)
        letters = [x.as_dict() for x in await deps.dead_letters.letters()]
        items = [x for x in letters if reason in (None, x["reason"]) and topic in (None, x["original_topic"])]
        return {"items": items, "count": len(items)}

    @app.post("/dead-letters/replay", response_model=Replayed, tags=["dead letters"])
    async def replay_dead_letters(body: ReplayBody, who: Caller) -> Replayed:
        """Publish dead letters again to their original topic (operators; `asinflow dlq replay`): named by `refs`,
        `all`, or those with `reason`; each original message once. A truncated letter's whole record comes from
        where the service kept it."""
        allow(who, Action.REPLAY_DEAD_LETTERS, None)
        if not body.refs and not body.all and not body.reason:
            raise Refused(400, "name dead letters (`refs`: topic:partition:offset), or give `all` or `reason`")
        chosen, unknown = dead_letters.chosen(
            await deps.dead_letters.letters(), body.refs, every=body.all, reason=body.reason
        )
        problems = await deps.dead_letters.replay(chosen)
        failed = {p.split(": ", 1)[0] for p in problems}
        return Replayed(replayed=[x.ref for x in chosen if x.ref not in failed], unknown=unknown, problems=problems)

    if extra_routes is not None:
        extra_routes(app)
    app.openapi = lambda: openapi.document(app)  # type: ignore[method-assign]
    return app


async def _body(request: Request) -> bytes:
    """The body, at most a proposal's size (413 beyond, without reading the rest)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_PROPOSAL_BYTES:
        raise BadRequest(413, f"the body is {int(declared):,} bytes; a proposal is at most {MAX_PROPOSAL_BYTES:,}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_PROPOSAL_BYTES:
            raise BadRequest(413, f"the body is over {MAX_PROPOSAL_BYTES:,} bytes, the most a proposal may be")
        chunks.append(chunk)
    return b"".join(chunks)


def _challenge() -> dict[str, str]:
    return {"WWW-Authenticate": 'Bearer realm="asinflow"'}
