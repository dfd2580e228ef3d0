"""Deterministic identifiers (DESIGN §1, §2): every service names a listing and an event the same way."""

from __future__ import annotations

import hashlib
import uuid
from functools import lru_cache

#: Namespace of every asinflow UUIDv5.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://asinflow.dev/ns")


@lru_cache(maxsize=65_536)
def listing_id(seller_id: str, sku: str) -> uuid.UUID:
    """The listing id of ``(seller_id, sku)``: UUIDv5, identical in every service (pure, so cached: every event
    of a listing checks it)."""
    return uuid.uuid5(NAMESPACE, f"listing\x1f{seller_id}\x1f{sku}")


def caused_event_id(cause_id: uuid.UUID | str, event_type: str) -> uuid.UUID:
    """Id of the event of ``event_type`` emitted because of ``cause_id``: reprocessing emits the same id."""
    return uuid.uuid5(NAMESPACE, f"caused\x1f{cause_id}\x1f{event_type}")


def content_event_id(kind: str, payload: bytes) -> uuid.UUID:
    """Id of an upstream event that arrived without one: derived from its content, so a resend is a duplicate."""
    digest = hashlib.sha256(payload).hexdigest()
    return uuid.uuid5(NAMESPACE, f"content\x1f{kind}\x1f{digest}")
