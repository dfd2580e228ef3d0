"""The listing lifecycle of DESIGN §1, as one pure module that every service uses.

```
            ┌──────────── rejected
            │        ┌─── rejected
 proposed ──┴─▶ validated ──┴─▶ created ──▶ active ⇄ inactive
                                   │          │  ▲        │
                                   │          ▼  │        ▼
                                   └──────▶ suppressed ◀──┘      (and from every state after proposed
                                                                  but rejected: ──▶ deleted)
```

``throttled`` is a sub-state of ``validated``: the listing waits for its seller's weekly quota.
``deleted``: the seller closed the listing (DESIGN §1); it ends the version, a later proposal starts a new one.
A suppressed listing may be suppressed again (a further violation, or what is left after an approval that
resolved only some): the state stays, the history records it.
``listing.matched``, ``listing.unmatched``, ``listing.brand-cleared`` and ``listing.quota-granted`` are
steps inside ``validated``: they are legal there but do not change the state. A ``listing.proposed`` for
a listing that already exists starts a new *version* from ``proposed``; it is never a transition.
"""

from __future__ import annotations

from enum import StrEnum

from asinflow_contracts import topics


class ListingState(StrEnum):
    PROPOSED = "proposed"
    VALIDATED = "validated"
    THROTTLED = "throttled"
    CREATED = "created"
    ACTIVE = "active"
    INACTIVE = "inactive"
    SUPPRESSED = "suppressed"
    REJECTED = "rejected"
    DELETED = "deleted"


S = ListingState

#: (state, event type) -> next state. Anything not listed is illegal.
TRANSITIONS: dict[tuple[ListingState, str], ListingState] = {
    (S.PROPOSED, topics.LISTING_VALIDATED): S.VALIDATED,
    (S.PROPOSED, topics.LISTING_REJECTED): S.REJECTED,
    (S.VALIDATED, topics.LISTING_MATCHED): S.VALIDATED,
    (S.VALIDATED, topics.LISTING_UNMATCHED): S.VALIDATED,
    (S.VALIDATED, topics.LISTING_BRAND_CLEARED): S.VALIDATED,
    (S.VALIDATED, topics.LISTING_QUOTA_GRANTED): S.VALIDATED,
    (S.VALIDATED, topics.LISTING_THROTTLED): S.THROTTLED,
    (S.VALIDATED, topics.LISTING_REJECTED): S.REJECTED,
    (S.VALIDATED, topics.LISTING_CREATED): S.CREATED,
    (S.THROTTLED, topics.LISTING_QUOTA_GRANTED): S.VALIDATED,
    (S.THROTTLED, topics.LISTING_REJECTED): S.REJECTED,
    (S.CREATED, topics.LISTING_ACTIVATED): S.ACTIVE,
    (S.CREATED, topics.LISTING_DEACTIVATED): S.INACTIVE,
    (S.CREATED, topics.LISTING_SUPPRESSED): S.SUPPRESSED,
    (S.ACTIVE, topics.LISTING_DEACTIVATED): S.INACTIVE,
    (S.ACTIVE, topics.LISTING_SUPPRESSED): S.SUPPRESSED,
    (S.INACTIVE, topics.LISTING_ACTIVATED): S.ACTIVE,
    (S.INACTIVE, topics.LISTING_SUPPRESSED): S.SUPPRESSED,
    (S.SUPPRESSED, topics.LISTING_SUPPRESSED): S.SUPPRESSED,
    (S.SUPPRESSED, topics.LISTING_REACTIVATED): S.ACTIVE,
    # DESIGN §1: a listing can be deleted from any state after proposed (a rejected version has ended already)
    **{
        (state, topics.LISTING_DELETED): S.DELETED
        for state in (S.VALIDATED, S.THROTTLED, S.CREATED, S.ACTIVE, S.INACTIVE, S.SUPPRESSED)
    },
}

#: The event that starts a listing version.
START_EVENT = topics.LISTING_PROPOSED

#: States that no event moves on from within one version.
TERMINAL_STATES: frozenset[ListingState] = frozenset({S.REJECTED, S.DELETED})


class IllegalTransition(ValueError):
    """An event that the lifecycle does not allow in the listing's current state."""

    def __init__(self, state: ListingState | None, event_type: str) -> None:
        self.state = state
        self.event_type = event_type
        where = f"in state {state.value!r}" if state else "before the listing was proposed"
        super().__init__(f"{event_type} is not allowed {where}")


def next_state(state: ListingState | None, event_type: str) -> ListingState:
    """The state after ``event_type`` happens to a listing in ``state`` (None: no version yet).

    ``listing.proposed`` always starts a new version in ``proposed``. Raises ``IllegalTransition``.
    """
    if event_type == START_EVENT:
        return S.PROPOSED
    if state is None:
        raise IllegalTransition(None, event_type)
    try:
        return TRANSITIONS[(state, event_type)]
    except KeyError:
        raise IllegalTransition(state, event_type) from None


def is_legal(state: ListingState | None, event_type: str) -> bool:
    try:
        next_state(state, event_type)
    except IllegalTransition:
        return False
    return True


def starts_new_version(event_type: str) -> bool:
    return event_type == START_EVENT
