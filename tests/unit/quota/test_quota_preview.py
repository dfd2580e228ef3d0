"""The creation quota's preview and restrictions on the in-memory store and counters: the handler's settlement
(queue, standing, release plan) with the counters' answers replayed on a copy, so the preview answers what the
handler then decides — granted with the same unit, throttled until the same date, rejected while withdrawn — and
takes no unit, queues nothing and emits nothing."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from asinflow_contracts import topics
from asinflow_contracts.events import ListingQuotaGranted, ListingRejected, ListingThrottled
from asinflow_creation_quota.domain.weeks import iso_week, next_week_start
from asinflow_creation_quota.preview import QuotaPreview, QuotaPreviewRequest, preview, restrictions

from tests.unit.quota.test_quota_handler import FLOOD_RULE, LIMIT, WEDNESDAY, Quota, cleared, sales, seller

pytestmark = pytest.mark.unit


async def preview_only(q: Quota, request: QuotaPreviewRequest) -> QuotaPreview:
    before = (copy.deepcopy(vars(q.store)), copy.deepcopy(vars(q.counters)))
    found = await preview(q.store, q.counters, q.handler.settings, request, q.clock.now())
    assert (vars(q.store), vars(q.counters)) == before, "a preview queues nothing and takes no unit"
    return found


async def test_previews_say_granted_then_throttled_exactly_as_the_handler_decides() -> None:
    q = Quota()
    s = seller()
    for i in range(LIMIT + 2):
        q.clock.advance(timedelta(seconds=1))  # oldest first: each listing arrives after the one before
        listing = cleared(s, f"W-{i:02d}")
        found = await preview_only(q, QuotaPreviewRequest(listing=listing))
        [event] = await q.send(listing)
        if i < LIMIT:
            assert event.topic == topics.LISTING_QUOTA_GRANTED
            granted = ListingQuotaGranted.model_validate_json(event.body())
            assert (found.outcome, found.unit, found.used) == ("granted", granted.unit, i)
            assert found.passes_on == granted
        else:
            assert event.topic == topics.LISTING_THROTTLED
            throttled = ListingThrottled.model_validate_json(event.body())
            assert (found.outcome, found.code, found.used) == ("throttled", "CREATION_LIMIT_REACHED", LIMIT)
            assert found.capacity_returns_at == throttled.capacity_returns_at == next_week_start(WEDNESDAY)
            assert found.issues == throttled.issues and found.ahead == i - LIMIT


async def test_a_listing_that_holds_a_unit_already_is_previewed_with_that_unit() -> None:
    q = Quota()
    s = seller()
    listing = cleared(s, "AGAIN")
    await q.send(listing)
    found = await preview_only(q, QuotaPreviewRequest(listing=listing))
    assert (found.outcome, found.unit, found.used) == ("granted", 1, 1)


async def test_a_withdrawn_seller_is_previewed_rejected_until_the_re_evaluation_and_restrictions_say_so() -> None:
    q = Quota(FLOOD_RULE)
    s = seller()
    await q.send(sales(s, 3, "12.00", WEDNESDAY.date()))
    await q.send(*(cleared(s, f"F-{i:02d}") for i in range(26)))
    q.clock.set(next_week_start(WEDNESDAY) + timedelta(hours=1))

    found = await preview_only(q, QuotaPreviewRequest(seller_id=s))
    view = await restrictions(q.store, q.counters, q.handler.settings, s, q.clock.now())
    [event] = await q.send(listing := cleared(s, "AFTER-1"))
    rejected = ListingRejected.model_validate_json(event.body())
    assert rejected.code == "CREATION_RIGHTS_WITHDRAWN" and listing.sku == rejected.sku
    assert (found.outcome, found.code, found.listing_id, found.rejection) == ("rejected", rejected.code, None, None)
    assert found.issues[0].remedy == rejected.issues[0].remedy
    assert (view.may_create, view.withdrawn, [r.code for r in view.reasons]) == (
        False,
        True,
        ["CREATION_RIGHTS_WITHDRAWN"],
    )
    assert view.withdrawn_until == found.withdrawn_until == next_week_start(q.clock.now())


async def test_restrictions_of_a_seller_with_capacity_and_of_one_whose_week_is_used_up() -> None:
    q = Quota()
    s = seller()
    free = await restrictions(q.store, q.counters, q.handler.settings, s, q.clock.now())
    assert (free.may_create, free.limit, free.used, free.week) == (True, LIMIT, 0, iso_week(WEDNESDAY))
    await q.send(*(cleared(s, f"U-{i:02d}") for i in range(LIMIT)))
    full = await restrictions(q.store, q.counters, q.handler.settings, s, q.clock.now())
    assert (full.may_create, [r.code for r in full.reasons], full.used) == (False, ["CREATION_LIMIT_REACHED"], LIMIT)
