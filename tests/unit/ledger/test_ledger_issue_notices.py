"""``listing.issues-changed`` from the lifecycle ledger, on its in-memory store: a notice only when the severities
or enforcement actions of a listing's latest version change, numbered per listing, with ids derived from the event
after which the issues changed; enforcement issues follow the listing across versions until a reactivation."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from asinflow_contracts import topics
from asinflow_contracts.events import ListingIssuesChanged
from asinflow_contracts.ids import caused_event_id
from asinflow_contracts.issues import (
    Enforcement,
    Exemption,
    ExemptionStatus,
    Issue,
    IssueCode,
    IssueEnforcements,
    Severity,
    issue,
)
from asinflow_contracts.state_machine import ListingState
from asinflow_lifecycle_ledger.domain.notices import summary
from asinflow_runtime.messages import Outgoing

from tests.unit.ledger.listing_events import ASIN, Record, Version
from tests.unit.ledger.test_ledger_handler import HAPPY, Ledger, version

pytestmark = pytest.mark.unit

S = ListingState
E, W = "ERROR", "WARNING"
LS, SS, CR = "LISTING_SUPPRESSED", "SEARCH_SUPPRESSED", "CATALOG_ITEM_REMOVED"


def enforced(kind: IssueCode, action: Enforcement, exempt_until: date | None = None) -> Issue:
    """An enforcement issue as the activation service puts it on listing.suppressed."""
    exemption = (
        Exemption(status=ExemptionStatus.EXEMPT_UNTIL_EXPIRY_DATE, until=exempt_until)
        if exempt_until
        else Exemption(status=ExemptionStatus.NOT_EXEMPT)
    )
    return issue(
        kind, f"{kind.value}: {action.value}", enforcements=IssueEnforcements(actions=(action,), exemption=exemption)
    )


SEARCH = enforced(IssueCode.IP_COMPLAINT, Enforcement.SEARCH_SUPPRESSED)
LISTING = enforced(IssueCode.COUNTERFEIT, Enforcement.LISTING_SUPPRESSED)


def suppression(v: Version, cause: Record | None, *issues: Issue, **fields: Any) -> Record:
    strictest = (
        issues[0].enforcements.actions[0] if issues and issues[0].enforcements else Enforcement.LISTING_SUPPRESSED
    )
    return v.then(topics.LISTING_SUPPRESSED, cause, issues=list(issues), enforcement=strictest, **fields)


def notices(out: list[Outgoing]) -> list[ListingIssuesChanged]:
    return [ListingIssuesChanged.model_validate_json(e.body()) for e in out if e.topic == topics.LISTING_ISSUES_CHANGED]


def sets(out: list[Outgoing]) -> list[tuple[list[str], list[str]]]:
    return [([s.value for s in n.severities], [a.value for a in n.enforcement_actions]) for n in notices(out)]


async def active(ledger: Ledger, v: Version) -> Record:
    chain = v.chain(*HAPPY)
    assert sets(await ledger.send(*chain)) == []  # no issue on the way: nothing to notify
    return chain[-1]


async def test_a_listing_that_never_has_an_issue_gets_no_notice() -> None:
    ledger, v = Ledger(), version()
    last = await active(ledger, v)
    stock_out = v.then(topics.LISTING_DEACTIVATED, last)
    restock = v.then(topics.LISTING_ACTIVATED, stock_out)
    gone = v.then(topics.LISTING_DELETED, restock)
    assert sets(await ledger.send(stock_out, restock, gone)) == []
    assert ledger.state(v) is S.DELETED
    assert ledger.store.issue_notices == {}


async def test_suppressions_a_stricter_one_and_the_reactivation_each_notify_once() -> None:
    ledger, v = Ledger(), version()
    last = await active(ledger, v)

    first = suppression(v, last, SEARCH, violation_id="V-1")
    out = await ledger.send(first)
    assert sets(out) == [([E], [SS])]
    [notice] = notices(out)
    assert (notice.listing_id, notice.seller_id, notice.sku, notice.asin) == (v.listing_id, v.seller_id, v.sku, ASIN)
    assert (notice.version, notice.sequence, notice.at) == (1, 1, v.clock)
    [emitted] = [e for e in out if e.topic == topics.LISTING_ISSUES_CHANGED]
    assert emitted.key == str(v.listing_id)
    assert emitted.envelope.id == caused_event_id(first.event_id, topics.LISTING_ISSUES_CHANGED)
    assert (emitted.envelope.causation_id, emitted.envelope.causation_type) == (
        first.event_id,
        topics.LISTING_SUPPRESSED,
    )
    assert emitted.envelope.subject == str(v.listing_id)

    # a second, stricter violation on the suppressed listing: it stays suppressed, the actions change
    stricter = suppression(v, first, LISTING, SEARCH, violation_id="V-2")
    assert sets(await ledger.send(stricter)) == [([E], [LS, SS])]
    assert ledger.state(v) is S.SUPPRESSED
    assert ledger.history(v)[-1] == (topics.LISTING_SUPPRESSED, S.SUPPRESSED, S.SUPPRESSED, True)

    # a third violation with an action already present: the issues grow, the sets do not: nothing to notify
    same = suppression(
        v, stricter, LISTING, enforced(IssueCode.REVIEW_MANIPULATION, Enforcement.LISTING_SUPPRESSED), SEARCH
    )
    assert sets(await ledger.send(same)) == []
    [kept] = ledger.store.versions_of[v.listing_id].values()
    assert [i["code"] for i in kept.issues] == ["COUNTERFEIT", "REVIEW_MANIPULATION", "IP_COMPLAINT"]

    reactivated = v.then(topics.LISTING_REACTIVATED, same)
    out = await ledger.send(reactivated)
    assert sets(out) == [([], [])]  # everything resolved: both sets empty
    assert notices(out)[0].sequence == 3
    [kept] = ledger.store.versions_of[v.listing_id].values()
    assert (kept.state, kept.issues) == (S.ACTIVE, [])

    # and nothing more for a stock-out or a deletion of a listing whose issues are all resolved
    stock_out = v.then(topics.LISTING_DEACTIVATED, reactivated)
    gone = v.then(topics.LISTING_DELETED, stock_out)
    assert sets(await ledger.send(stock_out, gone)) == []
    assert ledger.state(v) is S.DELETED


async def test_an_approval_that_resolves_part_notifies_what_is_left() -> None:
    ledger, v = Ledger(), version()
    last = await active(ledger, v)
    both = suppression(v, last, LISTING, SEARCH)
    left = suppression(v, both, SEARCH)  # activation re-suppresses with the violations still open
    assert sets(await ledger.send(both, left)) == [([E], [LS, SS]), ([E], [SS])]
    assert [n.sequence for n in notices(await ledger.send(v.then(topics.LISTING_REACTIVATED, left)))] == [3]


async def test_exempted_enforcements_count_among_the_actions_present() -> None:
    ledger, v = Ledger(), version()
    last = await active(ledger, v)
    exempt = enforced(IssueCode.IP_COMPLAINT, Enforcement.CATALOG_ITEM_REMOVED, exempt_until=date(2099, 1, 1))
    assert sets(await ledger.send(suppression(v, last, exempt))) == [([E], [CR])]


async def test_a_suppression_without_issues_from_an_older_producer_keeps_those_known() -> None:
    ledger, v = Ledger(), version()
    last = await active(ledger, v)
    first = suppression(v, last, LISTING)
    await ledger.send(first)
    assert sets(await ledger.send(suppression(v, first))) == []
    [kept] = ledger.store.versions_of[v.listing_id].values()
    assert [i["code"] for i in kept.issues] == ["COUNTERFEIT"]


async def test_rejection_and_a_new_version_notify_the_errors_then_their_end() -> None:
    ledger = Ledger()
    first = version("SKU-R", batch_id="feed-1")
    rejected = first.then(topics.LISTING_REJECTED, first.proposed)
    out = await ledger.send(first.proposed, rejected)
    assert sets(out) == [([E], [])]
    assert (notices(out)[0].version, notices(out)[0].asin) == (1, None)

    second = Version(first.seller_id, first.sku, batch_id="feed-2")
    out = await ledger.send(second.proposed)
    assert sets(out) == [([], [])]  # the new version starts without the old one's errors
    [notice] = notices(out)
    assert (notice.version, notice.sequence) == (2, 2)
    assert out[-1].envelope.id == caused_event_id(second.proposal_id, topics.LISTING_ISSUES_CHANGED)

    # the old version's late events do not touch the latest version's issues
    assert sets(await ledger.send(first.then(topics.LISTING_REJECTED, rejected))) == []


async def test_throttling_notifies_the_warning_and_the_release_its_end() -> None:
    ledger, v = Ledger(), version()
    proposed, validated, throttled = v.chain(topics.LISTING_VALIDATED, topics.LISTING_THROTTLED)
    assert sets(await ledger.send(proposed, validated, throttled)) == [([W], [])]
    assert sets(await ledger.send(v.then(topics.LISTING_QUOTA_GRANTED, throttled))) == [([], [])]


async def test_enforcements_follow_the_listing_to_a_new_version_and_through_its_rejection() -> None:
    ledger, first = Ledger(), version("SKU-E")
    last = await active(ledger, first)
    suppressed = suppression(first, last, LISTING)
    deleted = first.then(topics.LISTING_DELETED, suppressed)
    assert sets(await ledger.send(suppressed, deleted)) == [([E], [LS])]  # deleting it resolves no violation

    second = Version(first.seller_id, first.sku, batch_id="feed-2")
    assert sets(await ledger.send(second.proposed)) == []  # the violation is still open: no change
    versions = ledger.store.versions_of[first.listing_id]
    assert [i["code"] for i in versions[2].issues] == ["COUNTERFEIT"]
    assert [i["code"] for i in versions[1].issues] == ["COUNTERFEIT"]

    rejected = second.then(topics.LISTING_REJECTED, second.proposed)
    assert sets(await ledger.send(rejected)) == []  # its errors join the open enforcement: still ERROR and LS
    assert [i["code"] for i in ledger.store.versions_of[first.listing_id][2].issues] == [
        "IDENTIFIER_INVALID_CHECKSUM",
        "COUNTERFEIT",
    ]
    assert ledger.store.issue_notices[first.listing_id].sequence == 1


async def test_several_changes_in_one_batch_are_notified_in_order_and_numbered() -> None:
    ledger, v = Ledger(), version()
    chain = v.chain(*HAPPY)
    first = suppression(v, chain[-1], SEARCH)
    stricter = suppression(v, first, LISTING, SEARCH)
    reactivated = v.then(topics.LISTING_REACTIVATED, stricter)
    batch = [*chain, first, stricter, reactivated]
    out = await ledger.send(*reversed(batch))  # delivered backwards: applied (and notified) in causal order
    assert sets(out) == [([E], [SS]), ([E], [LS, SS]), ([], [])]
    assert [n.sequence for n in notices(out)] == [1, 2, 3]
    assert [e.envelope.causation_id for e in out if e.topic == topics.LISTING_ISSUES_CHANGED] == [
        first.event_id,
        stricter.event_id,
        reactivated.event_id,
    ]
    assert ledger.store.issue_notices[v.listing_id].sequence == 3


async def test_a_parked_suppression_notifies_when_its_cause_is_applied() -> None:
    ledger, v = Ledger(), version()
    proposed, validated, created = v.chain(topics.LISTING_VALIDATED, topics.LISTING_CREATED)
    suppressed = suppression(v, created, LISTING)
    assert sets(await ledger.send(proposed, validated, suppressed)) == []  # waits for created
    assert sets(await ledger.send(created)) == [([E], [LS])]


async def test_replaying_the_same_events_emits_the_same_notices() -> None:
    v = version()
    chain = v.chain(*HAPPY)
    records = [*chain, suppression(v, chain[-1], LISTING)]
    first, again = await Ledger().send(*records), await Ledger().send(*records)

    def emitted(out: list[Outgoing]) -> list[tuple[uuid.UUID, bytes]]:
        return [(e.envelope.id, e.body()) for e in out if e.topic == topics.LISTING_ISSUES_CHANGED]

    assert len(emitted(first)) == 1
    assert emitted(first) == emitted(again)  # same ids, same bodies (the time is the cause's)
    assert [e.envelope.id for e in first] == [e.envelope.id for e in again]


async def test_notices_are_kept_per_listing_and_loaded_by_the_next_batch() -> None:
    ledger = Ledger()
    a, b = version("A"), version("B")
    ra = a.then(topics.LISTING_REJECTED, a.proposed)
    await ledger.send(a.proposed, ra, b.proposed)
    assert set(ledger.store.issue_notices) == {a.listing_id}
    kept = ledger.store.issue_notices[a.listing_id]
    assert (kept.severities, kept.actions, kept.sequence, kept.version) == (("ERROR",), (), 1, 1)
    second = Version(a.seller_id, a.sku, batch_id="feed-2")
    assert [n.sequence for n in notices(await ledger.send(second.proposed))] == [2]  # loaded, not restarted at 1
    assert await ledger.store.notices([a.listing_id, b.listing_id, uuid.uuid4()]) == {
        a.listing_id: ledger.store.issue_notices[a.listing_id]
    }


def test_a_warning_issue_from_validation_counts_as_a_warning() -> None:
    warning = issue(IssueCode.BRAND_NEAR_MISS, "close to a registered brand", severity=Severity.WARNING)
    assert summary([warning.model_dump(mode="json"), SEARCH.model_dump(mode="json")]) == (("ERROR", "WARNING"), (SS,))
    assert summary([]) == ((), ())
