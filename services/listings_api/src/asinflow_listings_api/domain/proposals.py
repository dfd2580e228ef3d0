"""``PUT /listings/{seller}/{sku}``: a request body becomes the ``listing.proposed`` message that is published, or
the caller's mistake in words. Pure.

The body is a proposal as in ``ListingProposed`` minus what the path gives (``seller_id``, ``sku``; repeating them
is allowed if they agree). The message body is the canonical JSON of the whole proposal (keys sorted, no spaces),
so the same request sent twice is the same message with the same proposal id: one effect. A proposal the pipeline
would reject ``SCHEMA_INVALID`` is refused here (422, every field named) instead of being published: over HTTP the
caller learns it at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from asinflow_contracts.codec import Undecodable, decode_json
from asinflow_contracts.limits import MAX_PROPOSAL_BYTES
from asinflow_contracts.proposal_reading import read_proposal_data
from asinflow_runtime.upstream import Proposal


@dataclass
class BadRequest(Exception):
    """The caller's mistake: answered ``status`` with ``{"error": message, **details}``."""

    status: int
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message


def decode_body(raw: bytes) -> Any:
    """The request body's JSON value: 413 over the proposal limit, 400 when empty or not JSON."""
    if len(raw) > MAX_PROPOSAL_BYTES:
        raise BadRequest(413, f"the body is {len(raw):,} bytes; a proposal is at most {MAX_PROPOSAL_BYTES:,}")
    if not raw.strip():
        raise BadRequest(400, "the body is empty: send the proposal as a JSON object")
    try:
        return decode_json(raw)
    except Undecodable as exc:
        raise BadRequest(400, f"the body is not JSON: {exc.detail}") from None


def proposal(seller_id: str, sku: str, body: Any) -> Proposal:
    """The message to publish for ``body`` at ``/listings/{seller_id}/{sku}``; ``BadRequest`` otherwise."""
    if not isinstance(body, dict):
        raise BadRequest(400, f"the body must be a JSON object (a proposal), not {_json_type(body)}")
    for name, given in (("seller_id", seller_id), ("sku", sku)):
        if name in body and body[name] != given:
            raise BadRequest(
                422, f"{name} in the body ({body[name]!r}) differs from the path ({given!r}): omit it or make it agree"
            )
    data = {**body, "seller_id": seller_id, "sku": sku}
    raw = canonical(data)
    read = read_proposal_data(data, len(raw))
    if read.unreadable is not None:
        raise BadRequest(400, f"not a proposal: {read.unreadable}")
    if read.errors or read.proposal is None:
        problems = [{"attribute": e.attribute, "message": e.message} for e in read.errors]
        summary = "; ".join(f"{p['attribute']}: {p['message']}" for p in problems)
        raise BadRequest(422, f"the proposal breaks the listing.proposed schema: {summary}", {"problems": problems})
    return Proposal(raw, read.proposal.seller_id, read.proposal.sku)


def canonical(data: dict[str, Any]) -> bytes:
    """JSON with sorted keys and no spaces: equal proposals are equal bytes, hence one proposal id."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def _json_type(value: Any) -> str:
    names = {list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return names.get(type(value), "null" if value is None else type(value).__name__)
