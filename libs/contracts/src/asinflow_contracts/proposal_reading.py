"""Reading one ``listing.proposed`` message or feed line: dead letter, schema-invalid, or a valid proposal.

DESIGN §6: a message that cannot be tied to a listing (not JSON, no ``seller_id`` or ``sku``) is a dead
letter; one that names its listing but breaks the schema is rejected ``SCHEMA_INVALID`` on that listing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from asinflow_contracts.events.proposal import ListingProposed


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
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def read_proposal(raw: bytes | str) -> ProposalRead:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, absurdly deep or long numbers
        return ProposalRead(unreadable=f"not JSON: {type(exc).__name__}: {str(exc)[:200]}")
    if not isinstance(data, dict):
        return ProposalRead(unreadable=f"not a JSON object but a {type(data).__name__}")
    seller_id, sku = _named(data, "seller_id"), _named(data, "sku")
    if seller_id is None or sku is None:
        missing = [k for k, v in (("seller_id", seller_id), ("sku", sku)) if v is None]
        return ProposalRead(unreadable=f"cannot be tied to a listing: no {' and no '.join(missing)}", data=data)
    try:
        proposal = ListingProposed.model_validate(data)
    except ValidationError as exc:
        errors = [
            SchemaError(attribute=_loc(err["loc"]), message=str(err["msg"])) for err in exc.errors(include_url=False)
        ]
        return ProposalRead(seller_id=seller_id, sku=sku, errors=errors, data=data)
    return ProposalRead(seller_id=proposal.seller_id, sku=proposal.sku, proposal=proposal, data=data)


def _loc(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(root)"
