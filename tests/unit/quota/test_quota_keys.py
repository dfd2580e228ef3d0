"""The Redis key layout and grant requests, without a server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from asinflow_creation_quota.adapters.redis_quota import GRANT_SCRIPT, GrantRequest, quota_keys

pytestmark = pytest.mark.unit

AT = datetime(2026, 11, 24, tzinfo=UTC)


def test_a_sellers_keys_share_one_hash_tag_per_week() -> None:
    keys = quota_keys("S-1001", "2026-W48")
    assert (keys.used, keys.grants) == ("quota:{S-1001}:2026-W48:used", "quota:{S-1001}:2026-W48:grants")


@pytest.mark.parametrize("seller", ["a}b", "{x}", "S:2026-W48", "sp ace", "ünï"])
def test_seller_ids_cannot_break_the_hash_tag_or_the_separators(seller: str) -> None:
    used = quota_keys(seller, "2026-W48").used
    tag = used[len("quota:{") : used.index("}")]
    assert not set(tag) & set("{}: ")
    assert used == f"quota:{{{tag}}}:2026-W48:used"
    assert quota_keys(seller + "x", "2026-W48").used != used


def test_grant_requests_name_seller_and_listing_and_a_limit_of_at_least_zero() -> None:
    assert GrantRequest("S", "L", 0, AT).limit == 0
    with pytest.raises(ValueError):
        GrantRequest("", "L", 1, AT)
    with pytest.raises(ValueError):
        GrantRequest("S", "", 1, AT)
    with pytest.raises(ValueError):
        GrantRequest("S", "L", -1, AT)


def test_the_script_is_shipped_with_the_package() -> None:
    assert "EXPIREAT" in GRANT_SCRIPT and "INCR" in GRANT_SCRIPT
