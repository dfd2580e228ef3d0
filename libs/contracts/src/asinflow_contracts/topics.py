"""Topic names: ``asinflow.<event>.v1`` (DESIGN §2). The event type carried in ``ce_type`` is the topic name."""

from __future__ import annotations

PREFIX = "asinflow"
VERSION = "v1"


def topic(event: str, version: str = VERSION) -> str:
    """The topic of a logical event name such as ``listing.proposed``."""
    return f"{PREFIX}.{event}.{version}"


def dead_letter_topic(source_topic: str) -> str:
    """Where unreadable messages of ``source_topic`` go (DESIGN §3)."""
    return f"{source_topic}.dlq"


LISTING_PROPOSED = topic("listing.proposed")
LISTING_VALIDATED = topic("listing.validated")
LISTING_REJECTED = topic("listing.rejected")
LISTING_MATCHED = topic("listing.matched")
LISTING_UNMATCHED = topic("listing.unmatched")
LISTING_BRAND_CLEARED = topic("listing.brand-cleared")
LISTING_QUOTA_GRANTED = topic("listing.quota-granted")
LISTING_THROTTLED = topic("listing.throttled")
LISTING_CREATED = topic("listing.created")
LISTING_ACTIVATED = topic("listing.activated")
LISTING_DEACTIVATED = topic("listing.deactivated")
LISTING_SUPPRESSED = topic("listing.suppressed")
LISTING_REACTIVATED = topic("listing.reactivated")
LISTING_STATE_CHANGED = topic("listing.state-changed")
EXEMPTION_GRANTED = topic("brand.exemption.granted")

#: Every listing lifecycle topic the ledger applies through the state machine.
LISTING_LIFECYCLE_TOPICS: tuple[str, ...] = (
    LISTING_PROPOSED,
    LISTING_VALIDATED,
    LISTING_REJECTED,
    LISTING_MATCHED,
    LISTING_UNMATCHED,
    LISTING_BRAND_CLEARED,
    LISTING_QUOTA_GRANTED,
    LISTING_THROTTLED,
    LISTING_CREATED,
    LISTING_ACTIVATED,
    LISTING_DEACTIVATED,
    LISTING_SUPPRESSED,
    LISTING_REACTIVATED,
)

ALL_TOPICS: tuple[str, ...] = (*LISTING_LIFECYCLE_TOPICS, LISTING_STATE_CHANGED, EXEMPTION_GRANTED)
