"""The matching decision for one validated proposal (pure): GTIN → brand + model/part number → title.

Every outcome carries its evidence. Conflicts are reported, never merged silently: a GTIN already used by
an item of another brand or a clearly different product is ``CATALOG_DATA_CONFLICT``; a product already in
the catalog under another GTIN matches and its GTIN becomes an alias (a warning); an exempted product that
matches an item with a GTIN (or the reverse) is flagged as a likely duplicate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from asinflow_contracts.events import CatalogItemCreated, ListingValidated
from asinflow_contracts.issues import Issue, IssueCode, Severity, issue

from asinflow_duplicate_matching.domain.blocking import BlockingQuery
from asinflow_duplicate_matching.domain.candidates import IndexedItem, key, tokens
from asinflow_duplicate_matching.domain.product import Product

#: Below this score a GTIN hit is judged a different product (with a disagreeing brand or model number).
CONFLICT_SCORE = 0.2
#: Two candidates scoring within this margin of each other are too close to pick one.
AMBIGUITY_MARGIN = 0.03


class Score(Protocol):
    value: float
    threshold: float
    is_match: bool
    evidence: dict[str, Any]


class Scorer(Protocol):
    threshold: float

    def score(self, a: Product, b: Product) -> Score: ...

    def prepare(self, product: Product) -> Any: ...

    def score_many(self, a: Any, candidates: Sequence[Any]) -> Sequence[Score]: ...


@dataclass(frozen=True)
class Outcome:
    outcome: Literal["MATCHED", "UNMATCHED", "REJECTED"]
    asin: str | None = None
    match_kind: Literal["GTIN", "MODEL", "TITLE"] | None = None
    score: float | None = None
    threshold: float = 0.0
    evidence: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    alias_gtin14: str | None = None


def product_of(listing: ListingValidated) -> Product:
    p = listing.proposal
    price = float(p.price.amount) if p.price and p.price.amount else None
    return Product(
        title=p.title,
        brand=p.brand,
        model_number=p.model_number or p.part_number or "",
        category=p.product_type,
        price=price,
    )


def product_of_item(item: IndexedItem) -> Product:
    return Product(
        title=item.title, brand=item.brand, model_number=item.model_number or item.part_number, category=item.category
    )


def indexed_item(created: CatalogItemCreated) -> IndexedItem:
    """A new catalog item as the matcher indexes it."""
    return IndexedItem(
        created.asin,
        created.brand,
        created.title,
        created.product_type,
        created.model_number or "",
        created.part_number or "",
        tuple(created.gtin14s),
        created.parent_asin is not None,
    )


def lookups(listings: Sequence[ListingValidated], hits: Mapping[str, IndexedItem]) -> dict[int, BlockingQuery]:
    """The catalog lookups a batch needs, by position: every listing that no GTIN identifies, but variation
    children (only a GTIN identifies them)."""
    return {
        n: blocking_query(listing)
        for n, listing in enumerate(listings)
        if not (listing.gtin14 and listing.gtin14 in hits) and not _variation_child(listing)
    }


def blocking_query(listing: ListingValidated) -> BlockingQuery:
    p = listing.proposal
    model_keys = dict.fromkeys(k for k in (key(p.model_number), key(p.part_number)) if k)
    return BlockingQuery(key(p.brand), tuple(model_keys), tuple(tokens(p.title)))


def decide_all(
    listings: Sequence[ListingValidated],
    hits: Mapping[str, IndexedItem],
    candidates: Mapping[int, Sequence[IndexedItem]],
    scorer: Scorer,
) -> list[Outcome]:
    """The outcome of every listing of a batch: ``hits`` by GTIN-14, ``candidates`` by position (``lookups``)."""
    return [
        decide(listing, hits.get(listing.gtin14) if listing.gtin14 else None, candidates.get(n, ()), scorer)
        for n, listing in enumerate(listings)
    ]


def decide(
    listing: ListingValidated, by_gtin: IndexedItem | None, candidates: Sequence[IndexedItem], scorer: Scorer
) -> Outcome:
    proposal = product_of(listing)
    if by_gtin is not None:
        return _gtin_hit(listing, proposal, by_gtin, scorer)
    if _variation_child(listing):
        # variants of one family share brand, model and most of the title: only a GTIN identifies them
        return Outcome("UNMATCHED", threshold=scorer.threshold, evidence={"reason": "variation child: GTIN only"})
    eligible = [c for c in candidates if not c.is_child]
    prepared = scorer.prepare(proposal)  # once, then every candidate in one vectorised call
    scores = scorer.score_many(prepared, [scorer.prepare(product_of_item(c)) for c in eligible])
    scored = sorted(zip(scores, eligible, strict=True), key=lambda sc: -sc[0].value)
    accepted = [(s, c) for s, c in scored if s.is_match or _same_model(listing, c)]
    if not accepted:
        best = scored[0] if scored else None
        return Outcome(
            "UNMATCHED",
            asin=best[1].asin if best else None,
            score=best[0].value if best else None,
            threshold=scorer.threshold,
            evidence=_evidence("TITLE", best[0], best[1]) if best else {"candidates": 0},
        )
    top_score, top = accepted[0]
    rivals = [c for s, c in accepted[1:] if c.asin != top.asin and top_score.value - s.value < AMBIGUITY_MARGIN]
    if rivals:
        asins = [top.asin, *(c.asin for c in rivals)]
        message = f"the proposal matches {len(asins)} catalog items equally well: {', '.join(asins)}"
        return Outcome(
            "REJECTED",
            threshold=scorer.threshold,
            score=top_score.value,
            evidence={"candidates": [_evidence("TITLE", s, c) for s, c in accepted[: len(asins)]]},
            issues=[
                issue(
                    IssueCode.MULTIPLE_MATCHES,
                    message,
                    attribute="title",
                    remedy="Name the ASIN your product is (add its GTIN, model or part number to tell the "
                    "items apart), or contact catalog support to merge the duplicates.",
                )
            ],
        )
    kind: Literal["MODEL", "TITLE"] = "MODEL" if _same_model(listing, top) else "TITLE"
    return _matched(listing, top, kind, top_score, scorer)


def _variation_child(listing: ListingValidated) -> bool:
    variation = listing.proposal.variation
    return variation is not None and bool(variation.parent_sku)


def _same_model(listing: ListingValidated, item: IndexedItem) -> bool:
    p = listing.proposal
    if key(p.brand) != key(item.brand):
        return False
    mine = {k for k in (key(p.model_number), key(p.part_number)) if len(k) >= 4}
    theirs = {k for k in (key(item.model_number), key(item.part_number)) if len(k) >= 4}
    return bool(mine & theirs)


def _gtin_hit(listing: ListingValidated, proposal: Product, item: IndexedItem, scorer: Scorer) -> Outcome:
    score = scorer.score(proposal, product_of_item(item))
    evidence = _evidence("GTIN", score, item)
    brand_differs = bool(key(listing.proposal.brand)) and key(listing.proposal.brand) != key(item.brand)
    model_differs = bool(evidence.get("model_conflict"))
    if brand_differs or (score.value < CONFLICT_SCORE and model_differs):
        what = f"brand {listing.proposal.brand!r} vs {item.brand!r}" if brand_differs else "a different product"
        message = (
            f"GTIN-14 {listing.gtin14} already identifies ASIN {item.asin} ({item.brand}: {item.title}), "
            f"{what} (score {score.value:.2f})"
        )
        return Outcome(
            "REJECTED",
            asin=item.asin,
            score=score.value,
            threshold=scorer.threshold,
            evidence=evidence,
            issues=[
                issue(
                    IssueCode.CATALOG_DATA_CONFLICT,
                    message,
                    attribute="identifiers",
                    remedy="Check the barcode on the product: use the GTIN printed on this product's "
                    "packaging. If the catalog item is wrong, contact catalog support with photos of the "
                    "packaging showing brand and barcode.",
                )
            ],
        )
    return _matched(listing, item, "GTIN", score, scorer, value=1.0)


def _matched(
    listing: ListingValidated,
    item: IndexedItem,
    kind: Literal["GTIN", "MODEL", "TITLE"],
    score: Score,
    scorer: Scorer,
    value: float | None = None,
) -> Outcome:
    issues: list[Issue] = []
    alias = None
    if listing.gtin14 and item.gtin14s and listing.gtin14 not in item.gtin14s:
        alias = listing.gtin14
        issues.append(
            issue(
                IssueCode.DUPLICATE_GTIN_ALIAS,
                f"this product is already in the catalog as ASIN {item.asin} under GTIN-14 {', '.join(item.gtin14s)}; "
                f"GTIN-14 {alias} is recorded as an alias of it",
                attribute="identifiers",
                severity=Severity.WARNING,
                remedy="Nothing to do if both GTINs are printed on identical products; otherwise correct the GTIN.",
            )
        )
    if listing.gtin14 is None and item.gtin14s:
        issues.append(
            issue(
                IssueCode.EXEMPTION_LIKELY_DUPLICATE,
                f"proposed without a GTIN (exemption {listing.exemption_id}) but it matches ASIN {item.asin}, "
                f"which has GTIN-14 {', '.join(item.gtin14s)}: the product does have a GTIN",
                attribute="exemption_id",
                severity=Severity.WARNING,
                remedy="Propose the product with its GTIN instead of the exemption.",
            )
        )
    if listing.gtin14 is not None and item.exempt:
        issues.append(
            issue(
                IssueCode.EXEMPTION_LIKELY_DUPLICATE,
                f"ASIN {item.asin} was created without a GTIN (under an exemption); this proposal shows the "
                f"product has GTIN-14 {listing.gtin14}",
                attribute="identifiers",
                severity=Severity.WARNING,
                remedy="No action needed: the catalog item is flagged for review.",
            )
        )
    return Outcome(
        "MATCHED",
        asin=item.asin,
        match_kind=kind,
        score=value if value is not None else score.value,
        threshold=scorer.threshold,
        evidence=_evidence(kind, score, item),
        issues=issues,
        alias_gtin14=alias,
    )


def _evidence(kind: str, score: Score, item: IndexedItem) -> dict[str, Any]:
    fields = score.evidence
    disagree = sorted(k for k, v in fields.items() if isinstance(v, dict) and v.get("agrees") is False)
    agree = sorted(k for k, v in fields.items() if isinstance(v, dict) and v.get("agrees") is True)
    return {
        "kind": kind,
        "asin": item.asin,
        "score": round(score.value, 4),
        "threshold": round(score.threshold, 4),
        "agreed": agree,
        "disagreed": disagree,
        "model_conflict": "model_number" in disagree,
        "fields": fields,
    }
