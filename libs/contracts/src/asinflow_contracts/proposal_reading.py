"""Reading one ``listing.proposed`` message or feed line: dead letter, schema-invalid, or a valid proposal.

DESIGN §6: a message that cannot be tied to a listing (not JSON, no ``seller_id`` or ``sku``) is a dead
letter; one that names its listing but breaks the schema — an oversized body, a value out of bounds
anywhere in it, a missing or wrong field — is rejected ``SCHEMA_INVALID`` on that listing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from asinflow_contracts import bounds
from asinflow_contracts.base import BOUNDS_CHECKED
from asinflow_contracts.codec import Undecodable, decode_json
from asinflow_contracts.events.proposal import ListingProposed
from asinflow_contracts.limits import MAX_PROPOSAL_BYTES


@dataclass(frozen=True)
class SchemaError:
    attribute: str
    message: str


@dataclass(frozen=True)
class ProposalRead:
    """Outcome of reading a proposal: ``unreadable`` set → dead letter; else ``proposal`` or ``errors``."""

    seller_id: str | None = None
    sku: str | None = None
    proposal: ListingProposed | None = None
    errors: list[SchemaError] = field(default_factory=list)
    unreadable: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


def _named(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if isinstance(value, str) and value.strip() and len(value) <= 200 and "\x00" not in value:
        return value.strip()
    return None


def read_proposal(raw: bytes | str) -> ProposalRead:
    """Read a proposal from its body (bytes of a message, or a feed line)."""
    try:
        data = decode_json(raw)
    except Undecodable as exc:  # not UTF-8, not JSON, absurdly deep or long numbers
        return ProposalRead(unreadable=f"not JSON: {exc.detail}")
    body = raw.encode() if isinstance(raw, str) else raw
    return read_proposal_data(data, len(body), bounds_checked=not bounds.might_break_bounds(body))


def read_proposal_data(data: Any, size: int = 0, *, bounds_checked: bool = False) -> ProposalRead:
    """Read a proposal from its decoded body; ``size`` is the body's length in bytes; ``bounds_checked``: a scan
    of the raw body showed it within the bounds (``bounds.might_break_bounds``), so they need no walk."""
    if not isinstance(data, dict):
        return ProposalRead(unreadable=f"not a JSON object but a {_json_type(data)}")
    seller_id, sku = _named(data, "seller_id"), _named(data, "sku")
    if seller_id is None or sku is None:
        missing = [k for k, v in (("seller_id", seller_id), ("sku", sku)) if v is None]
        return ProposalRead(unreadable=f"cannot be tied to a listing: no {' and no '.join(missing)}", data=data)
    if size > MAX_PROPOSAL_BYTES:
        message = f"the proposal is {size:,} bytes; at most {MAX_PROPOSAL_BYTES:,} are accepted"
        return ProposalRead(seller_id=seller_id, sku=sku, errors=[SchemaError("(root)", message)], data=data)
    if not bounds_checked and (problem := bounds.first_problem(data)) is not None:
        attribute, _, message = problem.partition(": ")
        return ProposalRead(seller_id=seller_id, sku=sku, errors=[SchemaError(attribute, message)], data=data)
    try:
        proposal = ListingProposed.model_validate(data, context={BOUNDS_CHECKED: True})
    except ValidationError as exc:
        errors = [
            SchemaError(attribute=_loc(err["loc"]), message=str(err["msg"])) for err in exc.errors(include_url=False)
        ]
        return ProposalRead(seller_id=seller_id, sku=sku, errors=errors, data=data)
    return ProposalRead(seller_id=proposal.seller_id, sku=proposal.sku, proposal=proposal, data=data)


def _json_type(value: Any) -> str:
    names = {list: "list", str: "string", bool: "boolean", int: "number", float: "number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _loc(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(root)"


def listing_identity(data: Any) -> tuple[str, str] | str:
    """``(seller_id, sku)`` of a decoded proposal, or why it cannot be tied to a listing (no full validation:
    for readers that only need to know which listing a proposal names)."""
    if not isinstance(data, dict):
        return f"not a JSON object but a {_json_type(data)}"
    seller_id, sku = _named(data, "seller_id"), _named(data, "sku")
    if seller_id is None or sku is None:
        missing = [k for k, v in (("seller_id", seller_id), ("sku", sku)) if v is None]
        return f"cannot be tied to a listing: no {' and no '.join(missing)}"
    return seller_id, sku
