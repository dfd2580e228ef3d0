"""What the seller does next, per issue code (the ``remedy`` of an issue)."""

from __future__ import annotations

from asinflow_contracts.issues import IssueCode

REMEDIES: dict[IssueCode, str] = {
    IssueCode.SCHEMA_INVALID: "Correct the attribute named in the issue so the line matches the listing.proposed v1 "
    "schema (required: seller_id, sku, title ≤ 500 characters, brand, product_type) and submit it again.",
    IssueCode.IDENTIFIER_INVALID_CHECKSUM: "Copy the identifier again from the barcode on the product or its "
    "packaging; the last digit (check digit) does not match the others.",
    IssueCode.IDENTIFIER_INVALID_FORMAT: "Give the identifier as digits only (spaces and hyphens are allowed), with "
    "the length of its type: UPC 12 (or 8 for UPC-E), EAN/JAN 13 or 8, ISBN 10 or 13, GTIN 8, 12, 13 or 14.",
    IssueCode.IDENTIFIER_NON_TRADE_PREFIX: "This number is for in-store, coupon or receipt use and does not identify a "
    "product. Use the GTIN licensed by GS1 to the brand owner, printed on the retail packaging, or apply for a "
    "GTIN exemption for the brand.",
    IssueCode.IDENTIFIER_CONFLICT: "The identifiers name different products. Keep only the identifiers of this "
    "product (for example its UPC and the EAN of the same item) and remove the others.",
    IssueCode.IDENTIFIER_MISSING: "Provide the product's UPC, EAN, JAN, ISBN or GTIN, or cite in exemption_id a GTIN "
    "exemption granted for this brand (or this brand and SKU). To apply for an exemption, supply the brand name, "
    "images of the product and its packaging on all sides, and a letter from the brand owner if you are not it.",
}
