"""The API's answers as models: they document the OpenAPI document (docs/openapi.json). The parts an owner
answers for (a listing's history, a quota, a report) keep every field the owner gives."""

from __future__ import annotations

from typing import Any, Literal

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
