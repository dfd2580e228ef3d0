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
LISTING_DELETED = topic("listing.deleted")
LISTING_STATE_CHANGED = topic("listing.state-changed")
#: Subscriber notifications (DESIGN §2): what buyers see of a listing, and the issues weighing on it.
LISTING_STATUS_CHANGED = topic("listing.status-changed")
LISTING_ISSUES_CHANGED = topic("listing.issues-changed")
BRAND_REGISTERED = topic("brand.registered")
BRAND_AUTHORIZATION_GRANTED = topic("brand.authorization.granted")
BRAND_AUTHORIZATION_REVOKED = topic("brand.authorization.revoked")
BRAND_PREFIX_REGISTERED = topic("brand.prefix.registered")
EXEMPTION_GRANTED = topic("brand.exemption.granted")
EXEMPTION_REVOKED = topic("brand.exemption.revoked")
BRAND_APPROVAL_REQUESTED = topic("brand.approval.requested")
BRAND_APPROVAL_DECIDED = topic("brand.approval.decided")
SELLER_SALES_RECORDED = topic("seller.sales.recorded")
SELLER_CREATION_RESTORED = topic("seller.creation.restored")
CATALOG_ITEM_CREATED = topic("catalog.item.created")
INVENTORY_UPDATED = topic("inventory.updated")
POLICY_VIOLATION_REPORTED = topic("policy.violation.reported")
REACTIVATION_REQUESTED = topic("reactivation.requested")
REACTIVATION_DECIDED = topic("reactivation.decided")
#: A seller (or an operator for it) asks to delete a listing (keyed by listing id).
LISTING_DELETION_REQUESTED = topic("listing.deletion-requested")

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
    LISTING_DELETED,
)

#: Every change of the brand registry (keyed by the brand's normalised key; DESIGN §4 "Brand gating").
BRAND_REGISTRY_TOPICS: tuple[str, ...] = (
    BRAND_REGISTERED,
    BRAND_AUTHORIZATION_GRANTED,
    BRAND_AUTHORIZATION_REVOKED,
    BRAND_PREFIX_REGISTERED,
    EXEMPTION_GRANTED,
    EXEMPTION_REVOKED,
    BRAND_APPROVAL_REQUESTED,
    BRAND_APPROVAL_DECIDED,
)

#: What a listing's ``deactivation`` subscriber listens to: every event that makes a listing not buyable.
DEACTIVATION_TOPICS: tuple[str, ...] = (LISTING_DEACTIVATED, LISTING_SUPPRESSED)

ALL_TOPICS: tuple[str, ...] = (
    *LISTING_LIFECYCLE_TOPICS,
    LISTING_STATE_CHANGED,
    LISTING_STATUS_CHANGED,
    LISTING_ISSUES_CHANGED,
    *BRAND_REGISTRY_TOPICS,
    SELLER_SALES_RECORDED,
    SELLER_CREATION_RESTORED,
    CATALOG_ITEM_CREATED,
    INVENTORY_UPDATED,
    POLICY_VIOLATION_REPORTED,
    REACTIVATION_REQUESTED,
    REACTIVATION_DECIDED,
    LISTING_DELETION_REQUESTED,
)
