"""The API's answers as models: they document the OpenAPI document (docs/openapi.json). The parts an owner
answers for (a listing's history, a quota, a report) keep every field the owner gives."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from asinflow_contracts.base import Asin, Id, Name, Text, TextList
from asinflow_contracts.events import ApprovalEvidence, Enforcement, ViolationKind
from asinflow_contracts.events.brand import Skus
from pydantic import BaseModel, ConfigDict, Field


class Problem(BaseModel):
    """Every refusal and every mistake of the caller: the reason, in words."""

    model_config = ConfigDict(extra="allow")

    error: str = Field(description="Why the request was refused or failed.")


class Listing(BaseModel):
    """A listing as the lifecycle ledger knows it, with its status set."""

    model_config = ConfigDict(extra="allow")

    listing_id: str = Field(description="UUIDv5 of (seller_id, sku).")
    seller_id: str = Field(description="The seller.")
    sku: str = Field(description="The SKU.")
    version: int = Field(description="1 for the first proposal, +1 for each later one.")
    state: str = Field(description="proposed, validated, throttled, created, active, inactive, suppressed, rejected…")
    asin: str | None = Field(description="The ASIN, once created.")
    status: list[Literal["BUYABLE", "DISCOVERABLE", "DELETED"]] = Field(
        description="What buyers see: BUYABLE (can be bought), DISCOVERABLE (in search and browse), DELETED."
    )
    issues: list[dict[str, Any]] = Field(description="Its current issues (code, severity, message, remedy…).")
    history: list[dict[str, Any]] = Field(description="Every event applied or refused, in order.")


class ListingPage(BaseModel):
    """One page of a search."""

    model_config = ConfigDict(extra="allow")

    items: list[dict[str, Any]] = Field(description="Listings (current version) in (seller_id, sku) order.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null: the last page.")


class Accepted(BaseModel):
    """A request published; the pipeline decides asynchronously (follow it with `GET /listings/{seller}/{sku}`)."""

    listing_id: str = Field(description="UUIDv5 of (seller_id, sku).")
    seller_id: str = Field(description="The seller.")
    sku: str = Field(description="The SKU.")
    proposal_id: str | None = Field(default=None, description="The proposal's id (the same body again: the same id).")
    request_id: str | None = Field(default=None, description="The deletion request's id.")
    location: str = Field(description="Where to follow the listing.")


class PreviewStage(BaseModel):
    service: str = Field(description="The owner that answered.")
    outcome: str = Field(description="What it would do.")
    answer: dict[str, Any] = Field(description="Its whole answer (evidence, limits, passes_on…).")


class Preview(BaseModel):
    """Every decision the pipeline would take on the proposal now, without effects."""

    result: Literal["VALID", "INVALID"] = Field(description="INVALID: an owner would reject the listing.")
    outcome: str = Field(
        description="Where it would stop: rejected, waiting_for_parent, throttled, or the state it would end in "
        "(active, inactive, suppressed)."
    )
    listing_id: str = Field(description="UUIDv5 of (seller_id, sku).")
    proposal_id: str = Field(description="The id the proposal would have if submitted.")
    code: str | None = Field(description="INVALID: the blocking issue's code.")
    asin: str | None = Field(description="The ASIN it would be matched to or minted.")
    match_kind: str | None = Field(description="GTIN, MODEL or TITLE when matched to an existing ASIN.")
    throttled_until: str | None = Field(description="Throttled: when capacity returns.")
    issues: list[dict[str, Any]] = Field(description="Every issue, in pipeline order.")
    stages: list[PreviewStage] = Field(description="Each owner asked, in pipeline order.")


class Restrictions(BaseModel):
    """May the seller create a new ASIN for the brand, or offer on the ASIN, now? With the reasons."""

    seller_id: str = Field(description="The seller asked about.")
    brand: str | None = Field(description="The brand asked about.")
    asin: str | None = Field(description="The ASIN asked about.")
    allowed: bool = Field(description="Whether a listing would pass every owner's check now.")
    reasons: list[dict[str, Any]] = Field(
        description="What stands in the way, with codes (APPROVAL_REQUIRED with the evidence and how to request, "
        "creation rights withdrawn until when, ASIN_NOT_FOUND…); empty: nothing."
    )
    owners: dict[str, dict[str, Any]] = Field(description="Each owner's whole answer, by service.")


class Quota(BaseModel):
    """A seller's weekly creation quota, as the creation-quota service computes it."""

    model_config = ConfigDict(extra="allow")

    seller_id: str = Field(description="The seller.")
    week: str = Field(description="The ISO week (UTC).")
    limit: int = Field(description="Listings the seller may create this week.")
    used: int = Field(description="Units used this week.")


class FeedReport(BaseModel):
    """A feed's processing report; a seller sees only its own lines, counted."""

    model_config = ConfigDict(extra="allow")

    batch_id: str = Field(description="The feed.")
    lines: int = Field(description="Listings in the feed (yours).")
    items: list[dict[str, Any]] = Field(description="Per listing: seller, SKU, state, ASIN, issues.")


# ------------------------------------------------------------------------------------------- operations (bodies)
# Each body is the event the CLI publishes minus what the path and the key give; the event is then built and
# checked by its contract (``domain.operations``). Unknown fields are refused, so a misspelt option is not ignored.

#: An id that may stand in a path segment (no `/`, no control characters).
PathId = Annotated[Id, Field(pattern=r"^[^/\x00-\x1f\x7f]+$")]


class ApprovalRequestBody(BaseModel):
    """A seller asks the brand's owner to approve it for the brand, with the evidence (`brand.approval.requested`)."""

    model_config = ConfigDict(extra="forbid")

    brand: Name = Field(description="The registered brand.")
    evidence: ApprovalEvidence = Field(description="What the owner checks; missing parts are listed on the request.")
    skus: Skus | None = Field(default=None, description="Only for these SKUs; null: every SKU.")
    request_id: PathId | None = Field(
        default=None,
        description="Your id for the request; default derived from the request (the same body twice is one request).",
    )


class ApprovalDecisionBody(BaseModel):
    """The brand's owner (or an operator) approves or rejects a request (`brand.approval.decided`)."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["approved", "rejected"] = Field(description="The decision; an approval authorises the seller.")
    skus: Skus | None = Field(default=None, description="Approve only these SKUs (default: those of the request).")
    reason: Text = Field(default="", description="Why, shown to the seller.")


class BrandRegistrationBody(BaseModel):
    """An operator registers a brand with its owner (`brand.registered`)."""

    model_config = ConfigDict(extra="forbid")

    brand: Name = Field(description="The brand's display name; compared on its normalised key.")
    owner_seller_id: Id = Field(description="The seller that owns the brand (the rights owner).")


class BrandAuthorizationBody(BaseModel):
    """The brand's owner (or an operator) authorises a seller to create new ASINs for the brand
    (`brand.authorization.granted`)."""

    model_config = ConfigDict(extra="forbid")

    seller_id: Id = Field(description="The seller authorised.")
    skus: Skus | None = Field(default=None, description="Only these SKUs; null: every SKU.")


class BrandPrefixBody(BaseModel):
    """The brand's owner (or an operator) registers a GS1 company prefix licensed by the owner
    (`brand.prefix.registered`): GTINs with it belong to the brand."""

    model_config = ConfigDict(extra="forbid")

    prefix: str = Field(pattern=r"^[0-9]{6,12}$", description="GS1 company prefix, 6 to 12 digits, as in the GTIN-13.")


class ExemptionBody(BaseModel):
    """An operator grants a GTIN exemption to the brand, or to one SKU of it (`brand.exemption.granted`); its id is
    derived from what it covers, as `asinflow brand exempt` derives it."""

    model_config = ConfigDict(extra="forbid")

    sku: Id | None = Field(default=None, description="Only this SKU of the brand; null: the whole brand.")
    seller_id: Id | None = Field(default=None, description="With `sku`: only this seller's SKU.")


class PolicyReportBody(BaseModel):
    """A policy violation on one listing (`seller_id` + `sku`) or on an ASIN (`asin`: every listing of it)."""

    model_config = ConfigDict(extra="forbid")

    kind: ViolationKind = Field(description="Counterfeit, IP complaint, review manipulation, variation abuse…")
    seller_id: Id | None = Field(default=None, description="Listing-level: the seller.")
    sku: Id | None = Field(default=None, description="Listing-level: the SKU.")
    asin: Asin | None = Field(default=None, description="ASIN-level: every listing of this ASIN.")
    enforcement: Enforcement | None = Field(
        default=None, description="What to take away; default LISTING_SUPPRESSED, CATALOG_ITEM_REMOVED for an ASIN."
    )
    evidence: TextList = Field(min_length=1, description="What shows the violation (links, order ids, notes).")
    reporter: Name | None = Field(default=None, description="Who reports it; default `operator:<key id>`.")
    exempt_until: date | None = Field(
        default=None, description="The enforcement is recorded but not applied to buyers until this date."
    )
    violation_id: Id | None = Field(
        default=None, description="Its id (reactivation requests cite it); default generated. Give one to retry safely."
    )


class ReactivationRequestBody(BaseModel):
    """The seller asks to lift a suppression of its listing (`reactivation.requested`)."""

    model_config = ConfigDict(extra="forbid")

    root_cause_fix: Text = Field(min_length=10, description="How the root cause was fixed, in words.")
    violation_ids: list[Id] = Field(
        default_factory=list, max_length=1_000, description="Violations addressed; empty: every open one."
    )
    evidence: TextList = Field(default_factory=list, description="Invoices, authorisations, photos…")
    request_id: PathId | None = Field(
        default=None,
        description="Your id for the request; default derived from the request (the same body twice is one request).",
    )


class ReactivationDecisionBody(BaseModel):
    """An operator approves (lifts the suppressions the request addressed) or rejects a reactivation request."""

    model_config = ConfigDict(extra="forbid")

    approved: bool = Field(description="True lifts the suppression(s) the request addressed.")
    note: Text = Field(default="", description="Why.")


class QuotaRestoreBody(BaseModel):
    """An operator gives the seller its creation rights back until the next weekly re-evaluation."""

    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(min_length=1, description="Why (recorded with the restore).")


class ReplayBody(BaseModel):
    """Which dead letters to publish again to their original topic: named, every one, or those with a reason."""

    model_config = ConfigDict(extra="forbid")

    refs: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=10_000, description="Letters as listed (`topic:partition:offset`)."
    )
    all: bool = Field(default=False, description="Every dead letter.")
    reason: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="Every dead letter with this reason (e.g. SCHEMA_INVALID)."
    )


# ------------------------------------------------------------------------------------------- operations (answers)


class Published(BaseModel):
    """An operation published as the CLI publishes it; the owning service applies it asynchronously (and may still
    refuse it: follow it where `location` says)."""

    event: str = Field(description="The topic it was published to, e.g. `asinflow.brand.approval.requested.v1`.")
    event_id: str = Field(description="The event's id (CloudEvents `id`).")
    id: str | None = Field(description="The id to cite: the request's, the violation's; null when it has none.")
    location: str | None = Field(description="Where to follow what it changes.")


class ApprovalRequest(BaseModel):
    """A brand approval request as brand gating records it."""

    request_id: str = Field(description="The request.")
    brand: str = Field(description="The brand (its registered name, else its key).")
    brand_key: str = Field(description="The brand's normalised key.")
    seller_id: str = Field(description="The seller asking.")
    skus: list[str] | None = Field(description="The SKUs asked for; null: every SKU.")
    status: str = Field(description="incomplete, pending, approved or rejected.")
    missing: list[str] = Field(description="Evidence still missing (incomplete requests).")
    decided_by: str | None = Field(description="The owner's seller id or `operator`, once decided.")
    reason: str = Field(description="The decision's reason.")


class ApprovalRequestPage(BaseModel):
    items: list[ApprovalRequest] = Field(description="In request id order.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null: the last page.")


class DeadLetter(BaseModel):
    """A message no service could read, with the reason (`asinflow dlq list`)."""

    ref: str = Field(description="`dlq topic:partition:offset`: name it to replay it.")
    reason: str | None = Field(description="Why it was dead-lettered (SCHEMA_INVALID, …).")
    error: str | None = Field(description="The error, in words.")
    service: str | None = Field(description="The service that dead-lettered it.")
    original_topic: str | None = Field(description="Where it was published.")
    original_partition: int = Field(description="Its partition there.")
    original_offset: int = Field(description="Its offset there.")
    key: str | None = Field(description="Its key.")
    value: str = Field(description="Its body (the first 2,000 characters).")
    truncated: bool = Field(description="The letter holds only the first bytes; the whole record is kept aside.")
    original_size: int = Field(description="The original body's size in bytes.")


class DeadLetterList(BaseModel):
    items: list[DeadLetter] = Field(description="In topic, partition, offset order.")
    count: int = Field(description="How many.")


class Replayed(BaseModel):
    """What a replay sent back."""

    replayed: list[str] = Field(description="Letters whose original message was published again (each message once).")
    unknown: list[str] = Field(description="Refs that name no dead letter.")
    problems: list[str] = Field(description="Letters that could not be replayed, and why.")
