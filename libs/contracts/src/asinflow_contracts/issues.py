"""Issues on a listing and the stable codes of DESIGN §6 "Issues and rejections".

An issue names what is wrong (``code``, ``message``), how bad it is (``severity``), what kind of problem it is
(``category``, and ``categories`` as a list) and where (``attribute``, and ``attribute_names`` as a list). An issue
that takes something away from buyers also carries its ``enforcements``: the actions taken (``LISTING_SUPPRESSED``,
``SEARCH_SUPPRESSED``, ``CATALOG_ITEM_REMOVED``) and whether an exemption holds them back until a date. The list
fields were added in this version next to the single ones, which stay: readers of the single fields keep working,
and an issue written without the lists gets them from the single fields.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from asinflow_contracts.base import Part, Text


class Severity(StrEnum):
    ERROR = "ERROR"
    WARNING = "WARNING"
    INFO = "INFO"


class Category(StrEnum):
    INVALID_ATTRIBUTE = "INVALID_ATTRIBUTE"
    MISSING_ATTRIBUTE = "MISSING_ATTRIBUTE"
    DUPLICATE = "DUPLICATE"
    QUALIFICATION_REQUIRED = "QUALIFICATION_REQUIRED"
    POLICY = "POLICY"
    QUOTA = "QUOTA"


class Enforcement(StrEnum):
    """What an enforcement takes away, as the reference catalog names its actions."""

    LISTING_SUPPRESSED = "LISTING_SUPPRESSED"  # not buyable, not in search
    SEARCH_SUPPRESSED = "SEARCH_SUPPRESSED"  # still buyable from its detail page, not in search
    CATALOG_ITEM_REMOVED = "CATALOG_ITEM_REMOVED"  # the ASIN is removed: every offer on it, not buyable, not found


class ExemptionStatus(StrEnum):
    """Whether an enforcement's actions apply to buyers now."""

    NOT_EXEMPT = "NOT_EXEMPT"  # applied now
    EXEMPT_UNTIL_EXPIRY_DATE = "EXEMPT_UNTIL_EXPIRY_DATE"  # recorded; buyers are not affected until ``until``


class IssueCode(StrEnum):
    SCHEMA_INVALID = "SCHEMA_INVALID"
    IDENTIFIER_INVALID_CHECKSUM = "IDENTIFIER_INVALID_CHECKSUM"
    IDENTIFIER_INVALID_FORMAT = "IDENTIFIER_INVALID_FORMAT"
    IDENTIFIER_NON_TRADE_PREFIX = "IDENTIFIER_NON_TRADE_PREFIX"
    IDENTIFIER_CONFLICT = "IDENTIFIER_CONFLICT"
    IDENTIFIER_MISSING = "IDENTIFIER_MISSING"
    CATALOG_DATA_CONFLICT = "CATALOG_DATA_CONFLICT"
    MULTIPLE_MATCHES = "MULTIPLE_MATCHES"
    GTIN_BRAND_MISMATCH = "GTIN_BRAND_MISMATCH"
    BRAND_NOT_AUTHORIZED = "BRAND_NOT_AUTHORIZED"
    CREATION_LIMIT_REACHED = "CREATION_LIMIT_REACHED"
    CREATION_RIGHTS_WITHDRAWN = "CREATION_RIGHTS_WITHDRAWN"
    VARIATION_INVALID = "VARIATION_INVALID"
    MULTIPACK_NOT_MANUFACTURER = "MULTIPACK_NOT_MANUFACTURER"
    # warnings of duplicate matching (shown, not blocking)
    DUPLICATE_GTIN_ALIAS = "DUPLICATE_GTIN_ALIAS"
    EXEMPTION_LIKELY_DUPLICATE = "EXEMPTION_LIKELY_DUPLICATE"
    # warning of brand gating: a brand one or two edits from a registered one, flagged for review
    BRAND_NEAR_MISS = "BRAND_NEAR_MISS"
    # policy enforcements of the activation service: the violation kind that suppresses the listing
    COUNTERFEIT = "COUNTERFEIT"
    IP_COMPLAINT = "IP_COMPLAINT"
    REVIEW_MANIPULATION = "REVIEW_MANIPULATION"
    VARIATION_ABUSE = "VARIATION_ABUSE"
    PRIVILEGES_WITHDRAWN = "PRIVILEGES_WITHDRAWN"


#: code -> (amazon_code, category) as in the table of DESIGN §6.
CODE_TABLE: dict[IssueCode, tuple[int | None, Category]] = {
    IssueCode.SCHEMA_INVALID: (8560, Category.INVALID_ATTRIBUTE),
    IssueCode.IDENTIFIER_INVALID_CHECKSUM: (8560, Category.INVALID_ATTRIBUTE),
    IssueCode.IDENTIFIER_INVALID_FORMAT: (8560, Category.INVALID_ATTRIBUTE),
    IssueCode.IDENTIFIER_NON_TRADE_PREFIX: (8560, Category.INVALID_ATTRIBUTE),
    IssueCode.IDENTIFIER_CONFLICT: (8560, Category.INVALID_ATTRIBUTE),
    IssueCode.IDENTIFIER_MISSING: (8560, Category.MISSING_ATTRIBUTE),
    IssueCode.CATALOG_DATA_CONFLICT: (8541, Category.DUPLICATE),
    IssueCode.MULTIPLE_MATCHES: (8542, Category.DUPLICATE),
    IssueCode.GTIN_BRAND_MISMATCH: (8572, Category.INVALID_ATTRIBUTE),
    IssueCode.BRAND_NOT_AUTHORIZED: (5461, Category.QUALIFICATION_REQUIRED),
    IssueCode.CREATION_LIMIT_REACHED: (8571, Category.QUOTA),
    IssueCode.CREATION_RIGHTS_WITHDRAWN: (None, Category.QUOTA),
    IssueCode.VARIATION_INVALID: (8016, Category.POLICY),
    IssueCode.MULTIPACK_NOT_MANUFACTURER: (None, Category.POLICY),
    IssueCode.DUPLICATE_GTIN_ALIAS: (None, Category.DUPLICATE),
    IssueCode.EXEMPTION_LIKELY_DUPLICATE: (None, Category.DUPLICATE),
    IssueCode.BRAND_NEAR_MISS: (None, Category.QUALIFICATION_REQUIRED),
    IssueCode.COUNTERFEIT: (None, Category.POLICY),
    IssueCode.IP_COMPLAINT: (None, Category.POLICY),
    IssueCode.REVIEW_MANIPULATION: (None, Category.POLICY),
    IssueCode.VARIATION_ABUSE: (None, Category.POLICY),
    IssueCode.PRIVILEGES_WITHDRAWN: (None, Category.POLICY),
}

#: An attribute name (a field path such as ``identifiers[0].value``).
AttributeName = Annotated[str, StringConstraints(min_length=1, max_length=1_000)]


class Exemption(Part):
    """Whether an enforcement applies now, and until when it is held back."""

    model_config = ConfigDict(frozen=True)

    status: ExemptionStatus = Field(description="NOT_EXEMPT (applied now) or EXEMPT_UNTIL_EXPIRY_DATE.")
    until: date | None = Field(
        default=None, description="For EXEMPT_UNTIL_EXPIRY_DATE: the day the actions start to apply."
    )


class IssueEnforcements(Part):
    """What an issue takes away from buyers."""

    model_config = ConfigDict(frozen=True)

    actions: tuple[Enforcement, ...] = Field(
        min_length=1, max_length=3, description="LISTING_SUPPRESSED, SEARCH_SUPPRESSED and/or CATALOG_ITEM_REMOVED."
    )
    exemption: Exemption = Field(description="Whether the actions apply now.")


class Issue(Part):
    """One problem found on a listing, as the seller sees it."""

    model_config = ConfigDict(frozen=True)

    code: IssueCode = Field(description="Stable machine-readable name of the issue.")
    amazon_code: int | None = Field(
        default=None, ge=0, le=99_999, description="The reference catalog's numeric code, if any."
    )
    severity: Severity = Field(description="ERROR blocks the listing, WARNING is shown only, INFO informs.")
    category: Category = Field(description="Kind of issue.")
    message: Text = Field(description="What is wrong, in words a seller understands.")
    attribute: str | None = Field(
        default=None, max_length=1_000, description="The offending field, e.g. `identifiers[0].value`."
    )
    remedy: Text = Field(default="", description="What the seller does next, with the evidence to supply.")
    attribute_names: tuple[AttributeName, ...] = Field(
        default=(), max_length=100, description="Every attribute the issue is about (`attribute` is the first)."
    )
    categories: tuple[Category, ...] = Field(
        default=(), max_length=10, description="Every category of the issue (`category` is the first)."
    )
    enforcements: IssueEnforcements | None = Field(
        default=None,
        description="For an issue that takes something away from buyers: the actions and their exemption.",
    )

    @model_validator(mode="before")
    @classmethod
    def _lists_from_the_single_fields(cls, data: Any) -> Any:
        """An issue written before the list fields existed gets them from ``category`` and ``attribute``."""
        if isinstance(data, dict):
            if "categories" not in data and data.get("category") is not None:
                data = {**data, "categories": [data["category"]]}
            if "attribute_names" not in data and data.get("attribute"):
                data = {**data, "attribute_names": [data["attribute"]]}
        return data


def issue(
    code: IssueCode,
    message: str,
    *,
    attribute: str | None = None,
    remedy: str = "",
    severity: Severity = Severity.ERROR,
    enforcements: IssueEnforcements | None = None,
) -> Issue:
    """Build an issue, filling amazon_code and the categories from the code table and ``attribute_names`` from
    ``attribute``."""
    amazon_code, category = CODE_TABLE[code]
    return Issue(
        code=code,
        amazon_code=amazon_code,
        severity=severity,
        category=category,
        message=message,
        attribute=attribute,
        remedy=remedy,
        attribute_names=(attribute,) if attribute else (),
        categories=(category,),
        enforcements=enforcements,
    )
