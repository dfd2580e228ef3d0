"""Issues on a listing and the stable codes of DESIGN §6 "Issues and rejections"."""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict, Field

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
}


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


def issue(
    code: IssueCode,
    message: str,
    *,
    attribute: str | None = None,
    remedy: str = "",
    severity: Severity = Severity.ERROR,
) -> Issue:
    """Build an issue, filling amazon_code and category from the code table."""
    amazon_code, category = CODE_TABLE[code]
    return Issue(
        code=code,
        amazon_code=amazon_code,
        severity=severity,
        category=category,
        message=message,
        attribute=attribute,
        remedy=remedy,
    )
