"""Who may do what through the listings API (``domain.authorization``): no I/O."""

from __future__ import annotations

import pytest
from asinflow_listings_api.domain.authorization import (
    BRAND_OWNER,
    FILTERED,
    OPERATOR_ONLY,
    SELLER_SCOPED,
    Action,
    Principal,
    Role,
    authorize,
    scope,
)

pytestmark = pytest.mark.unit

SELLER = Principal("key_s", Role.SELLER, "S-1")
OPERATOR = Principal("key_o", Role.OPERATOR)


def test_every_action_has_a_rule() -> None:
    rules = [set(OPERATOR_ONLY), SELLER_SCOPED, FILTERED, BRAND_OWNER]
    assert set(Action) == set().union(*rules)
    assert sum(len(r) for r in rules) == len(Action)  # each action in one rule only


@pytest.mark.parametrize("action", sorted(BRAND_OWNER))
def test_a_brands_owner_decides_for_its_brand_and_no_other_seller_does(action: Action) -> None:
    owner = authorize(SELLER, action, "S-1")  # S-1 owns the brand
    assert owner.allowed and owner.only_seller is None
    for other_owner in ("S-2", None):  # another seller's brand, or a brand nobody registered
        refused = authorize(SELLER, action, other_owner)
        assert not refused.allowed
        assert "S-1" in refused.reason and "owner" in refused.reason


@pytest.mark.parametrize("action", sorted(SELLER_SCOPED))
def test_a_seller_acts_on_its_own_data_only(action: Action) -> None:
    own = authorize(SELLER, action, "S-1")
    assert own.allowed and own.only_seller == "S-1"
    other = authorize(SELLER, action, "S-2")
    assert not other.allowed
    assert "S-1" in other.reason and "S-2" in other.reason and str(action) in other.reason
    assert not authorize(SELLER, action, None).allowed  # "every seller" is not its own
    assert not authorize(SELLER, action, "s-1").allowed  # ids are compared exactly


@pytest.mark.parametrize("action", sorted(OPERATOR_ONLY))
def test_operator_only_actions_are_refused_to_sellers_with_the_reason(action: Action) -> None:
    refused = authorize(SELLER, action, "S-1")  # even for its own data
    assert not refused.allowed
    assert refused.reason.startswith(f"only an operator may {action}: ")
    assert OPERATOR_ONLY[action] in refused.reason


@pytest.mark.parametrize("action", list(Action))
def test_operators_act_for_every_seller(action: Action) -> None:
    for seller in ("S-1", "S-2", None):
        verdict = authorize(OPERATOR, action, seller)
        assert verdict.allowed and verdict.only_seller is None


def test_a_feed_report_shows_a_seller_its_own_lines_only() -> None:
    verdict = authorize(SELLER, Action.READ_FEED_REPORT)
    assert verdict.allowed and verdict.only_seller == "S-1"


def test_an_omitted_seller_means_the_keys_own_for_a_seller_and_everyone_for_an_operator() -> None:
    assert scope(SELLER, None) == "S-1"
    assert scope(SELLER, "S-2") == "S-2"  # then refused by authorize, not silently rewritten
    assert scope(OPERATOR, None) is None
    assert scope(OPERATOR, "S-2") == "S-2"


def test_a_principal_is_bound_as_its_role_says() -> None:
    with pytest.raises(ValueError):
        Principal("k", Role.SELLER)
    with pytest.raises(ValueError):
        Principal("k", Role.OPERATOR, "S-1")


def test_the_brand_registry_rules() -> None:
    """Registration and exemptions change the registry for every seller: operators; authorisations and GS1 prefixes
    are the brand's owner's to give, as approval decisions are."""
    assert {Action.REGISTER_BRAND, Action.GRANT_EXEMPTION, Action.REVOKE_EXEMPTION} <= set(OPERATOR_ONLY)
    assert {Action.AUTHORIZE_BRAND_SELLER, Action.REVOKE_BRAND_SELLER, Action.REGISTER_BRAND_PREFIX} <= BRAND_OWNER
    refused = authorize(SELLER, Action.GRANT_EXEMPTION, "S-1")
    assert not refused.allowed and "without a GTIN" in refused.reason
    refused = authorize(SELLER, Action.REGISTER_BRAND, "S-1")
    assert not refused.allowed and "registry" in refused.reason
    assert authorize(SELLER, Action.AUTHORIZE_BRAND_SELLER, "S-1").allowed  # S-1 owns the brand
    refused = authorize(SELLER, Action.REVOKE_BRAND_SELLER, "S-2")
    assert not refused.allowed and "owner" in refused.reason
