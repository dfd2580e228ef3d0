"""Contracts shared by every service: the CloudEvents envelope, deterministic ids, issues (DESIGN §2, §6)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope, EnvelopeError, header_dict
from asinflow_contracts.events import ListingRejected
from asinflow_contracts.events.listing import ListingRef
from asinflow_contracts.ids import caused_event_id, content_event_id, listing_id
from asinflow_contracts.issues import (
    Category,
    Enforcement,
    Exemption,
    ExemptionStatus,
    Issue,
    IssueCode,
    IssueEnforcements,
    Severity,
    issue,
)
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.unit

AT = datetime(2026, 11, 22, 12, 30, 15, 123456, tzinfo=UTC)


# --- envelope ---------------------------------------------------------------------------------------


def test_round_trip_with_subject_and_causation() -> None:
    cause = uuid.uuid4()
    env = Envelope(
        id=uuid.uuid4(),
        type=topics.LISTING_VALIDATED,
        source="/asinflow/identifier-validation",
        subject=str(listing_id("S-1001", "HP-BLK-01")),
        time=AT,
        causation_id=cause,
        causation_type=topics.LISTING_PROPOSED,
    )
    headers = env.to_headers()
    assert all(isinstance(k, str) and isinstance(v, bytes) for k, v in headers)
    as_text = header_dict(headers)
    assert as_text["ce_specversion"] == "1.0"
    assert as_text["ce_id"] == str(env.id)
    assert as_text["ce_type"] == topics.LISTING_VALIDATED
    assert as_text["ce_source"] == "/asinflow/identifier-validation"
    assert as_text["ce_subject"] == env.subject
    assert datetime.fromisoformat(as_text["ce_time"]) == AT
    assert as_text["content-type"] == "application/json"
    assert as_text["ce_causationid"] == str(cause)
    assert as_text["ce_causationtype"] == topics.LISTING_PROPOSED

    assert Envelope.from_headers(headers) == env


def test_round_trip_without_subject_or_causation() -> None:
    env = Envelope(id=uuid.uuid4(), type=topics.LISTING_PROPOSED, source="/upstream/feed", time=AT)
    headers = env.to_headers()
    keys = {k for k, _ in headers}
    assert "ce_subject" not in keys
    assert "ce_causationid" not in keys
    assert "ce_causationtype" not in keys
    back = Envelope.from_headers(headers)
    assert back == env
    assert back.subject is None and back.causation_id is None and back.causation_type is None


def test_time_keeps_its_offset_through_the_headers() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    env = Envelope(id=uuid.uuid4(), type="t", source="s", time=at)
    assert Envelope.from_headers(env.to_headers()).time == at


def test_default_time_is_aware_utc_now() -> None:
    before = datetime.now(UTC)
    env = Envelope(id=uuid.uuid4(), type="t", source="s")
    assert env.time.tzinfo is not None
    assert before <= env.time <= datetime.now(UTC)


def test_minimal_headers_get_defaults() -> None:
    event_id = uuid.uuid4()
    env = Envelope.from_headers([("ce_id", str(event_id).encode()), ("ce_type", b"x.y.v1")])
    assert env.id == event_id
    assert env.type == "x.y.v1"
    assert env.source == "unknown"
    assert env.subject is None
    assert env.time.tzinfo is not None


@pytest.mark.parametrize(
    "headers",
    [
        None,
        [],
        [("ce_type", b"asinflow.listing.proposed.v1")],  # no ce_id
        [("ce_id", str(uuid.uuid4()).encode())],  # no ce_type
        [("ce_id", b"not-a-uuid"), ("ce_type", b"t")],
        [("ce_id", b""), ("ce_type", b"t")],
        [("ce_id", b"1234"), ("ce_type", b"t")],
        [("ce_id", b"\xff\xfe"), ("ce_type", b"t")],  # not UTF-8
        [("ce_id", str(uuid.uuid4()).encode()), ("ce_type", b"t"), ("ce_time", b"yesterday")],
        [("ce_id", str(uuid.uuid4()).encode()), ("ce_type", b"t"), ("ce_causationid", b"nope")],
    ],
    ids=[
        "none",
        "empty",
        "no-id",
        "no-type",
        "bad-uuid",
        "blank-id",
        "short-id",
        "binary-id",
        "bad-time",
        "bad-causation",
    ],
)
def test_unusable_headers_raise_envelope_error(headers: list[tuple[str, bytes]] | None) -> None:
    with pytest.raises(EnvelopeError):
        Envelope.from_headers(headers)


def test_envelope_error_is_a_value_error() -> None:
    assert issubclass(EnvelopeError, ValueError)


def test_header_dict_last_value_wins_and_none_is_empty() -> None:
    assert header_dict([("a", b"1"), ("a", b"2"), ("b", None)]) == {"a": "2", "b": ""}  # type: ignore[list-item]
    assert header_dict(None) == {}


@given(
    subject=st.none() | st.text(min_size=1, max_size=40).filter(lambda s: "\x00" not in s),
    causation=st.none() | st.uuids(),
    source=st.text(min_size=1, max_size=40),
    type_=st.text(min_size=1, max_size=40),
    time=st.datetimes(timezones=st.just(UTC)),
)
def test_round_trip_property(
    subject: str | None, causation: uuid.UUID | None, source: str, type_: str, time: datetime
) -> None:
    env = Envelope(
        id=uuid.uuid4(),
        type=type_,
        source=source,
        subject=subject,
        time=time,
        causation_id=causation,
        causation_type=topics.LISTING_PROPOSED if causation else None,
    )
    assert Envelope.from_headers(env.to_headers()) == env


# --- ids ----------------------------------------------------------------------------------------------


def test_listing_id_is_deterministic_uuid5() -> None:
    a = listing_id("S-1001", "HP-BLK-01")
    assert a == listing_id("S-1001", "HP-BLK-01")
    assert a.version == 5
    assert a != listing_id("S-1001", "HP-BLK-02")
    assert a != listing_id("S-1002", "HP-BLK-01")


def test_listing_id_does_not_confuse_where_seller_and_sku_split() -> None:
    assert listing_id("a", "bc") != listing_id("ab", "c")
    assert listing_id("S-1", "0") != listing_id("S-10", "")


@given(st.text(max_size=10), st.text(max_size=10), st.text(max_size=10), st.text(max_size=10))
def test_listing_id_is_injective_on_pairs(s1: str, k1: str, s2: str, k2: str) -> None:
    if "\x1f" in s1 + k1 + s2 + k2:
        return  # the separator itself; no real seller id or SKU contains it
    assert (listing_id(s1, k1) == listing_id(s2, k2)) == ((s1, k1) == (s2, k2))


def test_caused_event_id_is_deterministic_and_differs_per_type_and_cause() -> None:
    cause = uuid.uuid4()
    validated = caused_event_id(cause, topics.LISTING_VALIDATED)
    assert validated == caused_event_id(cause, topics.LISTING_VALIDATED)
    assert validated == caused_event_id(str(cause), topics.LISTING_VALIDATED)  # str or UUID alike
    assert validated.version == 5
    ids = {caused_event_id(cause, t) for t in topics.ALL_TOPICS}
    assert len(ids) == len(topics.ALL_TOPICS)
    assert cause not in ids
    assert caused_event_id(uuid.uuid4(), topics.LISTING_VALIDATED) != validated


def test_a_caused_id_is_never_a_listing_id() -> None:
    cause = uuid.uuid4()
    assert caused_event_id(cause, "x") != listing_id(str(cause), "x")


def test_content_event_id_is_deterministic_per_content_and_kind() -> None:
    a = content_event_id("proposal", b'{"sku": "1"}')
    assert a == content_event_id("proposal", b'{"sku": "1"}')
    assert a != content_event_id("proposal", b'{"sku": "2"}')
    assert a != content_event_id("inventory", b'{"sku": "1"}')


# --- ListingRejected.of -----------------------------------------------------------------------------


def _ref() -> ListingRef:
    event_id = uuid.uuid4()
    return ListingRef(
        listing_id=listing_id("S-1001", "HP-BLK-01"),
        seller_id="S-1001",
        sku="HP-BLK-01",
        proposal_id=event_id,
        batch_id="feed-1",
    )


def test_rejected_of_puts_the_first_error_first_and_copies_it() -> None:
    warning = issue(IssueCode.VARIATION_INVALID, "theme mismatch", attribute="variation", severity=Severity.WARNING)
    info = issue(IssueCode.MULTIPACK_NOT_MANUFACTURER, "fyi", severity=Severity.INFO)
    first_error = issue(
        IssueCode.IDENTIFIER_INVALID_CHECKSUM,
        "check digit wrong",
        attribute="identifiers[0].value",
        remedy="copy it again",
    )
    second_error = issue(IssueCode.IDENTIFIER_CONFLICT, "two products", attribute="identifiers", remedy="keep one")
    ref = _ref()

    rejected = ListingRejected.of(ref, [warning, first_error, info, second_error])

    assert rejected.code == "IDENTIFIER_INVALID_CHECKSUM"
    assert rejected.amazon_code == 8560
    assert rejected.message == "check digit wrong"
    assert rejected.attribute == "identifiers[0].value"
    assert rejected.remedy == "copy it again"
    # errors first, each group keeping its order
    assert rejected.issues == [first_error, second_error, warning, info]
    assert (rejected.listing_id, rejected.seller_id, rejected.sku, rejected.proposal_id, rejected.batch_id) == (
        ref.listing_id,
        ref.seller_id,
        ref.sku,
        ref.proposal_id,
        ref.batch_id,
    )


def test_rejected_of_with_a_single_error() -> None:
    only = issue(IssueCode.BRAND_NOT_AUTHORIZED, "not authorised", remedy="ask the brand owner")
    rejected = ListingRejected.of(_ref(), [only])
    assert (rejected.code, rejected.amazon_code, rejected.remedy, rejected.attribute) == (
        "BRAND_NOT_AUTHORIZED",
        5461,
        "ask the brand owner",
        None,
    )
    assert rejected.issues == [only]


def test_rejected_round_trips_as_json() -> None:
    err = issue(IssueCode.IDENTIFIER_MISSING, "none", attribute="identifiers", remedy="add a UPC")
    rejected = ListingRejected.of(_ref(), [err])
    assert ListingRejected.model_validate_json(rejected.model_dump_json()) == rejected


# --- issues -------------------------------------------------------------------------------------------

#: DESIGN §6 "Issues and rejections", written out here (not read from CODE_TABLE).
DESIGN_AMAZON_CODES: dict[str, int | None] = {
    "SCHEMA_INVALID": 8560,
    "IDENTIFIER_INVALID_CHECKSUM": 8560,
    "IDENTIFIER_INVALID_FORMAT": 8560,
    "IDENTIFIER_NON_TRADE_PREFIX": 8560,
    "IDENTIFIER_CONFLICT": 8560,
    "IDENTIFIER_MISSING": 8560,
    "CATALOG_DATA_CONFLICT": 8541,
    "MULTIPLE_MATCHES": 8542,
    "GTIN_BRAND_MISMATCH": 8572,
    "BRAND_NOT_AUTHORIZED": 5461,
    "CREATION_LIMIT_REACHED": 8571,
    "CREATION_RIGHTS_WITHDRAWN": None,
    "VARIATION_INVALID": 8016,
    "MULTIPACK_NOT_MANUFACTURER": None,
}
#: DESIGN §6 lists "at least these codes"; duplicate matching adds two warnings (README "Duplicate matching"),
#: brand gating one (README "Brand registry and gating").
WARNING_CODES: dict[str, int | None] = {
    "DUPLICATE_GTIN_ALIAS": None,
    "EXEMPTION_LIKELY_DUPLICATE": None,
    "BRAND_NEAR_MISS": None,
}
#: The activation service's enforcement issues (issue 13): one per open policy violation, its code the violation's
#: kind, category POLICY, no Amazon code.
ENFORCEMENT_CODES: dict[str, int | None] = {
    "COUNTERFEIT": None,
    "IP_COMPLAINT": None,
    "REVIEW_MANIPULATION": None,
    "VARIATION_ABUSE": None,
    "PRIVILEGES_WITHDRAWN": None,
}
ALL_CODES = {**DESIGN_AMAZON_CODES, **WARNING_CODES, **ENFORCEMENT_CODES}

#: The category a seller would expect for each code (DESIGN §6 lists the categories).
EXPECTED_CATEGORY: dict[str, str] = {
    "SCHEMA_INVALID": "INVALID_ATTRIBUTE",
    "IDENTIFIER_INVALID_CHECKSUM": "INVALID_ATTRIBUTE",
    "IDENTIFIER_INVALID_FORMAT": "INVALID_ATTRIBUTE",
    "IDENTIFIER_NON_TRADE_PREFIX": "INVALID_ATTRIBUTE",
    "IDENTIFIER_CONFLICT": "INVALID_ATTRIBUTE",
    "IDENTIFIER_MISSING": "MISSING_ATTRIBUTE",
    "CATALOG_DATA_CONFLICT": "DUPLICATE",
    "MULTIPLE_MATCHES": "DUPLICATE",
    "GTIN_BRAND_MISMATCH": "INVALID_ATTRIBUTE",
    "BRAND_NOT_AUTHORIZED": "QUALIFICATION_REQUIRED",
    "CREATION_LIMIT_REACHED": "QUOTA",
    "CREATION_RIGHTS_WITHDRAWN": "QUOTA",
    "VARIATION_INVALID": "POLICY",
    "MULTIPACK_NOT_MANUFACTURER": "POLICY",
    "DUPLICATE_GTIN_ALIAS": "DUPLICATE",
    "EXEMPTION_LIKELY_DUPLICATE": "DUPLICATE",
    "BRAND_NEAR_MISS": "QUALIFICATION_REQUIRED",
    **dict.fromkeys(ENFORCEMENT_CODES, "POLICY"),
}


def test_every_code_of_the_design_exists_and_no_other() -> None:
    assert {c.value for c in IssueCode} == set(ALL_CODES)


def test_amazon_code_counts_match_the_design_table() -> None:
    codes = [DESIGN_AMAZON_CODES[c.value] for c in IssueCode if c.value in DESIGN_AMAZON_CODES]
    assert codes.count(8560) == 6
    assert [c for c in codes if c != 8560] == [8541, 8542, 8572, 5461, 8571, None, 8016, None]


@pytest.mark.parametrize("code", list(IssueCode), ids=str)
def test_issue_fills_amazon_code_and_category_from_the_table(code: IssueCode) -> None:
    built = issue(code, "something is wrong", attribute="title", remedy="fix it")
    assert isinstance(built, Issue)
    assert built.code is code
    assert built.amazon_code == ALL_CODES[code.value]
    assert built.category == Category(EXPECTED_CATEGORY[code.value])
    assert built.severity == Severity.ERROR
    assert (built.message, built.attribute, built.remedy) == ("something is wrong", "title", "fix it")


def test_issue_defaults_and_severity() -> None:
    built = issue(IssueCode.VARIATION_INVALID, "m", severity=Severity.WARNING)
    assert built.severity == Severity.WARNING
    assert built.attribute is None
    assert built.remedy == ""
    assert built.model_dump(mode="json") == {
        "code": "VARIATION_INVALID",
        "amazon_code": 8016,
        "severity": "WARNING",
        "category": "POLICY",
        "message": "m",
        "attribute": None,
        "remedy": "",
        "attribute_names": [],
        "categories": ["POLICY"],
        "enforcements": None,
    }


def test_issue_lists_follow_the_single_fields() -> None:
    built = issue(IssueCode.IDENTIFIER_MISSING, "m", attribute="identifiers")
    assert (built.attribute_names, built.categories) == (("identifiers",), (Category.MISSING_ATTRIBUTE,))
    # an issue written before the list fields existed (a v1 producer) gets them from the single fields
    old = Issue.model_validate(
        {
            "code": "SCHEMA_INVALID",
            "severity": "ERROR",
            "category": "INVALID_ATTRIBUTE",
            "message": "m",
            "attribute": "t",
        }
    )
    assert (old.attribute_names, old.categories, old.enforcements) == (("t",), (Category.INVALID_ATTRIBUTE,), None)
    # and lists given explicitly are kept as they are
    both = Issue.model_validate(
        {**old.model_dump(mode="json"), "attribute_names": ["a", "b"], "categories": ["POLICY", "DUPLICATE"]}
    )
    assert (both.attribute, both.attribute_names) == ("t", ("a", "b"))
    assert both.categories == (Category.POLICY, Category.DUPLICATE)


def test_an_enforcement_issue_names_its_actions_and_exemption() -> None:
    enforced = issue(
        IssueCode.COUNTERFEIT,
        "m",
        enforcements=IssueEnforcements(
            actions=(Enforcement.LISTING_SUPPRESSED,),
            exemption=Exemption(status=ExemptionStatus.EXEMPT_UNTIL_EXPIRY_DATE, until=date(2026, 12, 31)),
        ),
    )
    assert enforced.model_dump(mode="json")["enforcements"] == {
        "actions": ["LISTING_SUPPRESSED"],
        "exemption": {"status": "EXEMPT_UNTIL_EXPIRY_DATE", "until": "2026-12-31"},
    }
    with pytest.raises(ValueError):
        IssueEnforcements(actions=(), exemption=Exemption(status=ExemptionStatus.NOT_EXEMPT))
