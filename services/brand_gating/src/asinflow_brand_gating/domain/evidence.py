"""What an approval request must carry (issue 5 §4): the evidence a brand owner or an operator needs to
decide whether a seller may create listings for the brand. Pure: the service lists what is missing."""

from __future__ import annotations

from asinflow_contracts.events import ApprovalEvidence

#: Every piece of evidence, in the words the seller reads (the 5461 remedy lists them too).
REQUIRED_EVIDENCE: tuple[str, ...] = (
    "title (with its variations)",
    "brand",
    "manufacturer",
    "category",
    "description",
    "SKU",
    "UPC/EAN/JAN",
    "batch ID",
    "image of the front",
    "image of the back",
    "image showing the barcode",
)

_BARCODE_TYPES = frozenset({"UPC", "EAN", "JAN", "GTIN"})


def missing_evidence(evidence: ApprovalEvidence) -> list[str]:
    """The evidence a request lacks, in the order of ``REQUIRED_EVIDENCE`` (empty: complete)."""
    texts = {
        "title (with its variations)": evidence.title,
        "brand": evidence.brand,
        "manufacturer": evidence.manufacturer,
        "category": evidence.category,
        "description": evidence.description,
        "SKU": evidence.sku,
        "batch ID": evidence.batch_id,
    }
    views = {image.view for image in evidence.images if image.url.strip()}
    has_barcode_number = any(i.type.upper() in _BARCODE_TYPES and i.value.strip() for i in evidence.identifiers)
    present = {name for name, value in texts.items() if value is not None and value.strip()}
    if has_barcode_number:
        present.add("UPC/EAN/JAN")
    for view, name in (("front", "image of the front"), ("back", "image of the back")):
        if view in views:
            present.add(name)
    if "barcode" in views:
        present.add("image showing the barcode")
    return [name for name in REQUIRED_EVIDENCE if name not in present]


def evidence_remedy(brand: str, owner: str) -> str:
    """The 5461 remedy: who to ask and everything a request must carry."""
    return (
        f"Ask the owner of brand {brand!r} (seller {owner}) to authorise you, or request approval "
        f"(brand.approval.requested) with this evidence: {', '.join(REQUIRED_EVIDENCE)}. "
        "Offers on existing ASINs of the brand are not affected."
    )
