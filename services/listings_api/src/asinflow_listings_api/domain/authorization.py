"""Who may do what through the listings API, and why (issue 13, item 2). Pure: no I/O, no framework.

Two roles. A **seller** key is bound to one seller: it reads and writes that seller's listings, quota, feed
lines and restrictions, and nothing of any other seller. An **operator** key acts for every seller and alone may
do what changes the marketplace for others (policy reports, reactivation decisions, quota restores, dead letters,
brand registration, GTIN exemptions). A brand's **owner** (the seller brand gating's registry names) decides
approval requests for its brand, authorises and revokes sellers for it and registers its GS1 prefixes, as an
operator may.

A refusal is decided before anything is looked up, so it cannot reveal whether the other seller's data exists;
the one exception is the brand owner's, which needs the registry's answer (who owns the brand is no secret:
restrictions tell it to any seller).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    SELLER = "seller"
    OPERATOR = "operator"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's public id, its role, and the seller a seller key is bound to."""

    key_id: str
    role: Role
    seller_id: str | None = None

    def __post_init__(self) -> None:
        if (self.role is Role.SELLER) != (self.seller_id is not None):
            raise ValueError("a seller key is bound to one seller; an operator key to none")


class Action(StrEnum):
    """Everything the API lets a caller do, in words (the words appear in refusals)."""

    READ_LISTING = "read a listing"
    SEARCH_LISTINGS = "search listings"
    SUBMIT_LISTING = "submit a listing"
    PREVIEW_LISTING = "preview a listing"
    DELETE_LISTING = "delete a listing"
    READ_RESTRICTIONS = "ask about restrictions"
    READ_QUOTA = "read a creation quota"
    READ_FEED_REPORT = "read a feed report"
    FILE_APPROVAL_REQUEST = "file a brand approval request"
    READ_APPROVAL_REQUESTS = "read brand approval requests"
    REQUEST_REACTIVATION = "request a reactivation"
    # the brand's owner, or an operator
    DECIDE_APPROVAL_REQUEST = "decide a brand approval request"
    READ_BRAND_APPROVAL_REQUESTS = "list a brand's approval requests"
    AUTHORIZE_BRAND_SELLER = "authorise a seller for a brand"
    REVOKE_BRAND_SELLER = "revoke a seller's authorisation for a brand"
    REGISTER_BRAND_PREFIX = "register a brand's GS1 prefix"
    # operator-only
    REPORT_POLICY_VIOLATION = "report a policy violation"
    DECIDE_REACTIVATION = "decide a reactivation"
    RESTORE_QUOTA = "restore creation rights"
    LIST_DEAD_LETTERS = "list dead letters"
    REPLAY_DEAD_LETTERS = "replay dead letters"
    REGISTER_BRAND = "register a brand"
    GRANT_EXEMPTION = "grant a GTIN exemption"
    REVOKE_EXEMPTION = "revoke a GTIN exemption"


#: What only operators may do, with the reason a seller is told.
OPERATOR_ONLY: dict[Action, str] = {
    Action.REPORT_POLICY_VIOLATION: "policy enforcement acts on other sellers' listings",
    Action.DECIDE_REACTIVATION: "a seller cannot approve the reactivation of its own suppressed listing",
    Action.RESTORE_QUOTA: "a seller cannot lift the withdrawal of its own creation rights",
    Action.LIST_DEAD_LETTERS: "dead letters hold every seller's messages",
    Action.REPLAY_DEAD_LETTERS: "dead letters hold every seller's messages",
    Action.REGISTER_BRAND: "the brand registry decides for every seller who may create ASINs",
    Action.GRANT_EXEMPTION: "an exemption lets listings of the brand through without a GTIN, whoever's they are",
    Action.REVOKE_EXEMPTION: "an exemption lets listings of the brand through without a GTIN, whoever's they are",
}

#: Actions on one seller's data: a seller key may do them for its own seller only.
SELLER_SCOPED: frozenset[Action] = frozenset(
    {
        Action.READ_LISTING,
        Action.SEARCH_LISTINGS,
        Action.SUBMIT_LISTING,
        Action.PREVIEW_LISTING,
        Action.DELETE_LISTING,
        Action.READ_RESTRICTIONS,
        Action.READ_QUOTA,
        Action.FILE_APPROVAL_REQUEST,
        Action.READ_APPROVAL_REQUESTS,
        Action.REQUEST_REACTIVATION,
    }
)

#: Actions on a brand: its owner (``seller_id`` given to ``authorize`` is the brand's owner, None when the brand is
#: not registered) may do them, as an operator may.
BRAND_OWNER: frozenset[Action] = frozenset(
    {
        Action.DECIDE_APPROVAL_REQUEST,
        Action.READ_BRAND_APPROVAL_REQUESTS,
        Action.AUTHORIZE_BRAND_SELLER,
        Action.REVOKE_BRAND_SELLER,
        Action.REGISTER_BRAND_PREFIX,
    }
)

#: Actions over data of several sellers (a feed may carry lines of many): a seller sees only its own part.
FILTERED: frozenset[Action] = frozenset({Action.READ_FEED_REPORT})


@dataclass(frozen=True)
class Verdict:
    """``allowed``, with the reason either way; ``only_seller``: when allowed, the one seller whose data may be
    shown (None: every seller's)."""

    allowed: bool
    reason: str
    only_seller: str | None = None


def authorize(who: Principal, action: Action, seller_id: str | None = None) -> Verdict:
    """May ``who`` do ``action`` on ``seller_id``'s data (None: no one seller, e.g. a search of all sellers)? For
    an action in ``BRAND_OWNER``, ``seller_id`` is the brand's owner (None: the brand is not registered)."""
    if who.role is Role.OPERATOR:
        return Verdict(True, "operators act for every seller")
    mine = who.seller_id
    if action in OPERATOR_ONLY:
        return Verdict(False, f"only an operator may {action}: {OPERATOR_ONLY[action]}")
    if action in BRAND_OWNER:
        if seller_id != mine:
            return Verdict(
                False, f"only the brand's owner or an operator may {action}: seller {mine!r} does not own it"
            )
        return Verdict(True, f"seller {mine!r} owns the brand", only_seller=None)
    if action in FILTERED:
        return Verdict(True, f"a seller sees only its own part ({mine})", only_seller=mine)
    if action not in SELLER_SCOPED:  # a new action nobody classified: refuse rather than guess
        return Verdict(False, f"no rule lets a seller {action}")
    if seller_id is None:
        return Verdict(False, f"a seller key may {action} of its own seller only: give seller {mine!r}")
    if seller_id != mine:
        return Verdict(False, f"this key is seller {mine!r}'s: it may not {action} of seller {seller_id!r}")
    return Verdict(True, f"seller {mine!r} acts on its own data", only_seller=mine)


def scope(who: Principal, asked: str | None) -> str | None:
    """The seller a request is about when it may omit one: a seller key means its own seller; an operator's
    omission means every seller."""
    if asked is None and who.role is Role.SELLER:
        return who.seller_id
    return asked
