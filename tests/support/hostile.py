"""Hostile input for every consumed topic, and what must become of each message (issue 10).

Each junk message carries a ``junk`` header with its own id (dead letters keep the original headers), so a
test finds its dead letters whatever its key. ``expect`` is either the set of dead-letter reasons any of which
is right, or ``REJECTED`` for a proposal that names its listing: it must be rejected SCHEMA_INVALID on it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Literal, get_origin

from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.ids import listing_id
from asinflow_contracts.registry import EVENT_MODELS

REJECTED = "rejected SCHEMA_INVALID"
FIVE_MB = 5 * 1024 * 1024


@dataclass(frozen=True)
class Junk:
    id: str
    kind: str
    topic: str
    value: bytes | None
    key: bytes | None
    headers: list[tuple[str, bytes]]
    expect: frozenset[str] | str
    seller_id: str | None = None
    sku: str | None = None

    @property
    def size(self) -> int:
        return len(self.value or b"") + len(self.key or b"") + sum(len(k) + len(v) for k, v in self.headers)


def _ce(topic: str, **overrides: bytes) -> list[tuple[str, bytes]]:
    envelope = Envelope(id=uuid.uuid4(), type=topic, source="/hostile", subject="x", time=datetime.now(UTC))
    headers = dict(envelope.to_headers())
    headers.update(overrides)
    return list(headers.items())


def _plausible(topic: str, seller_id: str, sku: str) -> dict[str, Any]:
    """A body shaped like the topic's events, naming a real-looking listing (the header junk kinds use it)."""
    return valid_example(topic, seller_id, sku)


def valid_example(topic: str, seller_id: str, sku: str) -> dict[str, Any]:
    """A body that satisfies ``topic``'s contract (``test_hostile_corpus`` checks it); the typed junk kinds
    break exactly one thing of it. Never published as it is."""
    t = topics
    ref = {"listing_id": str(listing_id(seller_id, sku)), "seller_id": seller_id, "sku": sku}
    ref["proposal_id"] = str(uuid.uuid4())
    proposal = {"seller_id": seller_id, "sku": sku, "title": "Hostile", "brand": "Hostile", "product_type": "X"}
    issue = {"code": "SCHEMA_INVALID", "severity": "ERROR", "category": "INVALID_ATTRIBUTE", "message": "m"}
    validated = {**ref, "gtin14": "00036000291452", "proposal": proposal}
    cleared = {**validated, "clearance": "offer", "asin": "B0HOSTILE1"}
    activation = {**ref, "asin": "B0HOSTILE1", "buyable": True, "discoverable": True, "quantity": 1}
    enforced = {
        **issue,
        "code": "COUNTERFEIT",
        "category": "POLICY",
        "enforcements": {"actions": ["LISTING_SUPPRESSED"], "exemption": {"status": "NOT_EXEMPT"}},
    }
    notice = {"listing_id": ref["listing_id"], "seller_id": seller_id, "sku": sku, "at": "2026-11-30T00:00:00+00:00"}
    examples: dict[str, dict[str, Any]] = {
        t.LISTING_PROPOSED: proposal,
        t.LISTING_VALIDATED: validated,
        t.LISTING_REJECTED: {**ref, "code": "SCHEMA_INVALID", "message": "m", "issues": [issue]},
        t.LISTING_MATCHED: {
            **validated,
            "asin": "B0HOSTILE1",
            "match_kind": "GTIN",
            "score": 1.0,
            "threshold": 0.5,
            "evidence": {},
        },
        t.LISTING_UNMATCHED: {**validated, "threshold": 0.5},
        t.LISTING_BRAND_CLEARED: cleared,
        t.LISTING_QUOTA_GRANTED: {**cleared, "week": "2026-W48", "unit": 1, "limit": 20},
        t.LISTING_THROTTLED: {
            **cleared,
            "week": "2026-W48",
            "limit": 20,
            "used": 20,
            "capacity_returns_at": "2026-11-30T00:00:00+00:00",
            "issues": [issue],
        },
        t.LISTING_CREATED: {**ref, "asin": "B0HOSTILE1", "new_asin": True, "quantity": 1},
        t.LISTING_ACTIVATED: {**activation, "reason": "CREATED_WITH_STOCK"},
        t.LISTING_DEACTIVATED: {**activation, "reason": "OUT_OF_STOCK"},
        t.LISTING_SUPPRESSED: {
            **activation,
            "reason": "COUNTERFEIT",
            "enforcement": "LISTING_SUPPRESSED",
            "scope": "LISTING",
            "violation_id": "V-1",
            "reporter": "r",
            "issues": [enforced],
        },
        t.LISTING_REACTIVATED: {
            **activation,
            "request_id": "R-1",
            "violation_ids": ["V-1"],
            "root_cause_fix": "fixed it for good",
            "decided_by": "operator",
        },
        t.BRAND_REGISTERED: {"brand": "Hostile", "owner_seller_id": seller_id},
        t.BRAND_AUTHORIZATION_GRANTED: {"brand": "Hostile", "seller_id": seller_id, "by": "operator"},
        t.BRAND_AUTHORIZATION_REVOKED: {"brand": "Hostile", "seller_id": seller_id, "by": "operator"},
        t.BRAND_PREFIX_REGISTERED: {"brand": "Hostile", "prefix": "123456", "by": "operator"},
        t.EXEMPTION_GRANTED: {"exemption_id": "E-1", "brand": "Hostile"},
        t.EXEMPTION_REVOKED: {"exemption_id": "E-1", "brand": "Hostile"},
        t.BRAND_APPROVAL_REQUESTED: {"request_id": "R-1", "brand": "Hostile", "seller_id": seller_id, "evidence": {}},
        t.BRAND_APPROVAL_DECIDED: {"request_id": "R-1", "brand": "Hostile", "decision": "approved", "by": "operator"},
        t.SELLER_SALES_RECORDED: {"seller_id": seller_id, "day": "2026-11-30", "units": 1, "record_id": "R-1"},
        t.SELLER_CREATION_RESTORED: {"seller_id": seller_id, "operator": "op", "reason": "r"},
        t.CATALOG_ITEM_CREATED: {
            "asin": "B0HOSTILE1",
            "brand": "Hostile",
            "title": "t",
            "product_type": "X",
            "created_by_listing": ref["listing_id"],
        },
        t.INVENTORY_UPDATED: {"seller_id": seller_id, "sku": sku, "quantity": 1},
        t.POLICY_VIOLATION_REPORTED: {
            "violation_id": "V-1",
            "kind": "COUNTERFEIT",
            "seller_id": seller_id,
            "sku": sku,
            "evidence": ["e"],
            "reporter": "r",
        },
        t.REACTIVATION_REQUESTED: {
            "request_id": "R-1",
            "seller_id": seller_id,
            "sku": sku,
            "root_cause_fix": "fixed it for good",
        },
        t.REACTIVATION_DECIDED: {
            "request_id": "R-1",
            "seller_id": seller_id,
            "sku": sku,
            "approved": True,
            "decided_by": "operator",
        },
        t.LISTING_DELETION_REQUESTED: {"seller_id": seller_id, "sku": sku, "requested_by": seller_id},
        t.LISTING_DELETED: {
            **activation,
            "buyable": False,
            "discoverable": False,
            "requested_by": seller_id,
            "reason": "r",
        },
        t.LISTING_STATUS_CHANGED: {**notice, "asin": "B0HOSTILE1", "status": ["BUYABLE"], "sequence": 1},
        t.LISTING_ISSUES_CHANGED: {
            **notice,
            "asin": "B0HOSTILE1",
            "version": 1,
            "severities": ["ERROR"],
            "enforcement_actions": ["LISTING_SUPPRESSED"],
            "sequence": 1,
        },
    }
    return examples[topic]


#: Fields whose value the typed junk kinds replace, first one found in the example wins.
_INT_FIELDS = ("quantity", "sequence", "unit", "limit", "units", "used")
_ENUM_FIELDS = ("reason", "kind", "match_kind", "decision", "clearance", "code", "enforcement", "scope")
_STR_FIELDS = ("seller_id", "brand", "asin", "request_id", "exemption_id", "violation_id", "title")


def _with(data: dict[str, Any], fields: tuple[str, ...], value: Any) -> dict[str, Any] | None:
    name = next((f for f in fields if f in data), None)
    return None if name is None else {**data, name: value}


def _with_enum(topic: str, data: dict[str, Any], value: str) -> dict[str, Any] | None:
    """``data`` with its first enumerated field (an Enum or a Literal in the contract) set to ``value``."""
    fields = EVENT_MODELS[topic].model_fields
    for name in (f for f in _ENUM_FIELDS if f in data):
        annotation = fields[name].annotation
        if get_origin(annotation) is Literal or (isinstance(annotation, type) and issubclass(annotation, Enum)):
            return {**data, name: value}
    return None


def junk_for(topic: str, run: str, *, five_mb: bool) -> Iterator[Junk]:
    """Every kind of junk for ``topic``; ``run`` makes sellers and SKUs unique to the caller."""
    n = 0

    def make(
        kind: str,
        value: bytes | None,
        expect: frozenset[str] | str,
        *,
        headers: list[tuple[str, bytes]] | None = None,
        key: bytes | str | None = "auto",
        seller_id: str | None = None,
        sku: str | None = None,
    ) -> Junk:
        nonlocal n
        n += 1
        jid = f"{run}-{topic.split('.', 1)[1]}-{n}"
        k = f"junk-{jid}".encode() if key == "auto" else key
        assert not isinstance(k, str)
        return Junk(jid, kind, topic, value, k, [*(headers or []), ("junk", jid.encode())], expect, seller_id, sku)

    seller_id = f"S-hostile-{run}"
    dumps = json.dumps
    yield make("not-json", b"this is {not json", frozenset({"not_json"}))
    yield make("invalid-utf8-body", b'{"seller_id": "\xff\xfe"}', frozenset({"not_json"}))
    yield make("empty-body", b"", frozenset({"empty_body"}))
    yield make("null-body", None, frozenset({"empty_body"}))
    yield make("json-null", b"null", frozenset({"schema_invalid", "unparseable_proposal"}))
    yield make("nested-200000", b"[" * 200_000 + b"]" * 200_000, frozenset({"not_json"}))
    yield make("5000-digit-integer", b'{"n": ' + b"7" * 5000 + b"}", frozenset({"not_json"}))
    yield make("null-key", b"{also not json", frozenset({"not_json"}), key=None)
    body = dumps(_plausible(topic, seller_id, f"UTF8H-{n}")).encode()
    yield make("invalid-utf8-header", body, frozenset({"bad_headers"}), headers=_ce(topic, ce_source=b"\xff\xfeX"))
    yield make("garbage-ce-id", body, frozenset({"bad_envelope"}), headers=_ce(topic, ce_id=b"not-a-uuid"))
    yield make("garbage-ce-time", body, frozenset({"bad_envelope"}), headers=_ce(topic, ce_time=b"yesterday"))
    yield make("naive-ce-time", body, frozenset({"bad_envelope"}), headers=_ce(topic, ce_time=b"2026-12-01T10:00"))
    yield make("ce-without-id", body, frozenset({"bad_envelope"}), headers=[("ce_type", topic.encode())])
    yield make(
        "forged-ce-type",
        body,
        frozenset({"bad_envelope"}),
        headers=_ce(topic, ce_type=b"asinflow.listing.activated.v1" if "activated" not in topic else b"x.v1"),
    )
    yield make("ce-specversion", body, frozenset({"bad_envelope"}), headers=_ce(topic, ce_specversion=b"0.3"))
    yield make("bad-content-type", body, frozenset({"bad_envelope"}), headers=_ce(topic, **{"content-type": b"text/x"}))
    if five_mb:
        big = dumps({"seller_id": seller_id, "sku": "BIG", "blob": "x" * FIVE_MB}).encode()
        yield make("5mb-body", big, frozenset({"too_large"}), headers=_ce(topic))

    if topic == topics.LISTING_PROPOSED:
        # Names its listing: rejected SCHEMA_INVALID on it, so the seller learns why.
        def named(junk_kind: str, **fields: Any) -> Junk:
            s = f"SKU-{junk_kind}"
            data = {**_plausible(topic, seller_id, s), "identifiers": [{"type": "UPC", "value": "036000291452"}]}
            data.update(fields)
            raw = json.dumps(data, allow_nan=True).encode()
            return make(junk_kind, raw, REJECTED, headers=_ce(topic), seller_id=seller_id, sku=s)

        deep: Any = "bottom"
        for _ in range(600):
            deep = [deep]
        yield named("wrong-type", title=5)
        yield named("quantity-2^31", quantity=2**31)
        yield named("quantity-2^63", quantity=2**63)
        yield named("priority-2^63-unknown", extra_count=2**63)
        yield named("price-nan", price={"amount": float("nan"), "currency": "EUR"})
        yield named("priority-infinity", priority=float("inf"))
        yield named("unknown-enum", identifiers=[{"type": "ALIENS", "value": "1"}])
        yield named("nul-title", title="Head\x00phones")
        yield named("unknown-field-600-deep", extra=deep)
        yield named("over-256-kib", description="d" * 9_000, notes="n" * 300_000)
        yield make("no-seller", dumps({"sku": "X", "title": "t"}).encode(), frozenset({"unparseable_proposal"}))
        nul_seller = dumps({"seller_id": "S\x00", "sku": "X"}).encode()
        yield make("nul-in-seller", nul_seller, frozenset({"unparseable_proposal"}))
        return

    # Internal and operator topics: a valid body with exactly one thing wrong is dead-lettered.
    example = valid_example(topic, seller_id, f"T-{n}")
    mutations: dict[str, dict[str, Any] | None] = {
        "wrong-type": _with(example, _STR_FIELDS, 5),
        "int-2^31": _with(example, _INT_FIELDS, 2**31),
        "int-2^63": _with(example, _INT_FIELDS, 2**63),
        "nan": {**example, "unknown_number": float("nan")},
        "infinity": {**example, "unknown_number": float("inf")},
        "unknown-enum": _with_enum(topic, example, "ALIENS"),
        "nul": _with(example, _STR_FIELDS, "S\x00"),
        # unknown fields of these events are dropped, so nesting matters only where they are kept: a proposal's
        "deep": {**example, "proposal": {**example["proposal"], "unknown": json.loads("[" * 40 + "]" * 40)}}
        if "proposal" in example
        else None,
        "forged-listing-id": {**example, "listing_id": str(uuid.uuid4())} if "listing_id" in example else None,
    }
    for kind, data in mutations.items():
        if data is not None:
            raw = json.dumps(data, allow_nan=True).encode()
            yield make(kind, raw, frozenset({"schema_invalid"}), headers=_ce(topic))
