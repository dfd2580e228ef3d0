"""Variation (parent/child) and multipack rules of DESIGN §4 "Variations": pure, no I/O.

A child is a true variant of its parent: the same brand and product type, a value for every attribute
of the variation theme, different from its siblings on those values, and the same model (a newer or
different model is a product of its own). A multipack is packaged by the manufacturer and carries its
own GTIN. Every finding explains itself with the values it compared.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from asinflow_contracts.events import ListingProposed
from asinflow_contracts.issues import Issue, IssueCode, issue

from asinflow_identifier_validation.domain.model_numbers import TOKEN, model_key, model_tokens, other_model, same_model

_NOT_A_VARIANT = "a different (or newer) model, not a variant"
_MODEL_REMEDY = (
    "A different or newer model is a product of its own, not a variation: list it standalone or under a parent "
    "of its own model line. If it is the same model, correct the child's model number or title to the parent's."
)


@dataclass(frozen=True)
class FamilyMember:
    """What the rules need to know about a validated parent or sibling listing."""

    sku: str
    brand: str
    product_type: str
    title: str
    model_number: str | None
    theme: str | None
    attributes: Mapping[str, str]  # theme attribute values of a child (empty for a parent)
    gtin14: str | None  # normalised GTIN-14 of the member (None if exempt / unknown)

    @classmethod
    def of(cls, proposal: ListingProposed, gtin14: str | None) -> FamilyMember:
        variation = proposal.variation
        is_child = variation is not None and bool(variation.parent_sku)
        return cls(
            sku=proposal.sku,
            brand=proposal.brand,
            product_type=proposal.product_type,
            title=proposal.title,
            model_number=proposal.model_number,
            theme=variation.theme if variation else None,
            attributes=MappingProxyType(dict(variation.attributes) if variation and is_child else {}),
            gtin14=gtin14,
        )


def child_issues(
    child: ListingProposed, child_gtin14: str | None, parent: FamilyMember, siblings: Sequence[FamilyMember]
) -> list[Issue]:
    """Issues of a child proposal (variation.parent_sku set) against its validated parent and its already-validated
    siblings (other children of the same parent, NOT including an older version of the same sku).

    Includes :func:`multipack_issues` of the child; call that one directly only for standalone proposals.
    """
    issues = [*_family_issues(child, parent), *_theme_issues(child, parent, siblings)]
    difference = _model_difference(parent, child)
    if difference is not None:
        attribute, finding = difference
        issues.append(issue(IssueCode.VARIATION_INVALID, finding, attribute=attribute, remedy=_MODEL_REMEDY))
    return issues + multipack_issues(child, child_gtin14, parent)


def multipack_issues(proposal: ListingProposed, gtin14: str | None, parent: FamilyMember | None) -> list[Issue]:
    """package_quantity > 1 on a child (or standalone) must be manufacturer-packaged (manufacturer_multipack true)
    and carry its own GTIN (a GTIN-14 different from the parent's / single unit's)."""
    quantity = proposal.package_quantity
    if quantity <= 1:
        return []
    code = IssueCode.MULTIPACK_NOT_MANUFACTURER
    issues: list[Issue] = []
    if not proposal.manufacturer_multipack:
        issues.append(
            issue(
                code,
                f"package_quantity is {quantity} but manufacturer_multipack is false: a pack of {quantity} not "
                "packaged by the manufacturer",
                attribute="manufacturer_multipack",
                remedy="Seller-assembled bundles of the same item are not allowed as variations or multipacks: list "
                "the single item and sell it with a quantity instead, or, if the manufacturer makes this pack, set "
                "manufacturer_multipack to true and supply the manufacturer's multipack GTIN.",
            )
        )
    own_gtin = "Supply the GTIN printed on the manufacturer's multipack packaging (it differs from the single unit's)"
    if gtin14 is None:
        issues.append(
            issue(
                code,
                f"a multipack (package_quantity {quantity}) needs a GTIN of its own, and this listing has none",
                attribute="identifiers",
                remedy=f"{own_gtin}; without such a GTIN, list the single item instead.",
            )
        )
    elif parent is not None and parent.gtin14 == gtin14:
        issues.append(
            issue(
                code,
                f"the multipack uses the GTIN of the single unit: its GTIN-14 {gtin14} is that of parent "
                f"{parent.sku}, but a pack of {quantity} is a product of its own",
                attribute="identifiers",
                remedy=f"{own_gtin}, or list the single item under its own GTIN instead.",
            )
        )
    return issues


def parent_change_findings(new_parent: ListingProposed, children: Sequence[FamilyMember]) -> list[str]:
    """A live parent re-proposed so that it no longer fits its existing children: one human-readable finding per
    child that no longer fits (brand or product type differs, or theme changed so a child's attributes no longer
    cover it). Empty when it still fits. The caller reports these as VARIATION_ABUSE."""
    theme = new_parent.variation.theme if new_parent.variation else None
    findings = []
    for child in children:
        reasons = []
        if _brand_key(child.brand) != _brand_key(new_parent.brand):
            reasons.append(f"its brand {child.brand!r} differs from the parent's new brand {new_parent.brand!r}")
        if _type_key(child.product_type) != _type_key(new_parent.product_type):
            reasons.append(
                f"its product type {child.product_type!r} differs from the parent's new {new_parent.product_type!r}"
            )
        if theme:
            missing = _missing_values(theme, child.attributes)
            if missing:
                reasons.append(f"the parent's new theme {theme!r} needs {_names(missing)}, {_has(child.attributes)}")
        if reasons:
            findings.append(f"child {child.sku} no longer fits parent {new_parent.sku}: {'; '.join(reasons)}")
    return findings


def explain_model_difference(parent: FamilyMember, child: ListingProposed) -> str | None:
    """None when the child is plausibly the same model as the parent; otherwise the finding, e.g.
    "child model number WH-200 differs from the parent's WH-100: a different (or newer) model, not a variant"."""
    difference = _model_difference(parent, child)
    return difference[1] if difference else None


# --- rules 1 to 3: brand, product type, theme, siblings -------------------------------------------------------


def _family_issues(child: ListingProposed, parent: FamilyMember) -> list[Issue]:
    issues = []
    if _brand_key(child.brand) != _brand_key(parent.brand):
        issues.append(
            issue(
                IssueCode.VARIATION_INVALID,
                f"child brand {child.brand!r} differs from the brand {parent.brand!r} of parent {parent.sku} "
                "(compared ignoring case, spaces and punctuation)",
                attribute="brand",
                remedy=f"If the child is made by {parent.brand}, give it the parent's brand {parent.brand!r}; a "
                "product of another brand cannot be a child of this parent: list it standalone or under a parent of "
                "its own brand.",
            )
        )
    if _type_key(child.product_type) != _type_key(parent.product_type):
        issues.append(
            issue(
                IssueCode.VARIATION_INVALID,
                f"child product type {child.product_type!r} differs from the product type {parent.product_type!r} "
                f"of parent {parent.sku}",
                attribute="product_type",
                remedy=f"Give the child the parent's product type {parent.product_type!r}; if it is another kind of "
                "product, list it standalone instead of as a child.",
            )
        )
    return issues


def _theme_issues(child: ListingProposed, parent: FamilyMember, siblings: Sequence[FamilyMember]) -> list[Issue]:
    variation = child.variation
    own_theme = variation.theme.strip() if variation and variation.theme else ""
    attributes = variation.attributes if variation else {}
    issues = []
    if not own_theme:
        parents = f"; the theme of parent {parent.sku} is {parent.theme!r}" if parent.theme else ""
        issues.append(_theme_issue(f"the child names no variation theme{parents}", parent))
    elif parent.theme and _theme_words(own_theme) != _theme_words(parent.theme):
        message = f"child theme {own_theme!r} differs from the theme {parent.theme!r} of parent {parent.sku}"
        issues.append(_theme_issue(message, parent))
    theme = parent.theme or own_theme
    if not theme:
        return issues
    missing = _missing_values(theme, attributes)
    if missing:
        issues.append(
            issue(
                IssueCode.VARIATION_INVALID,
                f"theme {theme!r} needs a value for {_names(missing)}, {_has(attributes)}",
                attribute="variation.attributes",
                remedy=f"Give the child a non-empty value for every attribute of the theme {theme!r} in "
                f"variation.attributes, e.g. {{{', '.join(f'{n!r}: ...' for n in _theme_names(theme, attributes))}}}.",
            )
        )
        return issues
    names = _theme_names(theme, attributes)
    values = [(name, _lookup(attributes, name)) for name in names]
    for sibling in siblings:
        if sibling.sku == child.sku or not all(
            _value_key(value) == _value_key(_lookup(sibling.attributes, name)) for name, value in values
        ):
            continue
        shown = ", ".join(f"{name}={(value or '').strip()!r}" for name, value in values)
        theirs = ", ".join(f"{name}={(_lookup(sibling.attributes, name) or '').strip()!r}" for name in names)
        issues.append(
            issue(
                IssueCode.VARIATION_INVALID,
                f"child {shown} is the same as sibling {sibling.sku} ({theirs}) under parent {parent.sku}: children "
                "of one parent must differ on the theme attributes",
                attribute="variation.attributes",
                remedy=f"Give this child values of {_names(names)} that tell it apart from {sibling.sku}; if it is the "
                f"same product, update {sibling.sku} instead of adding another child.",
            )
        )
    return issues


def _theme_issue(message: str, parent: FamilyMember) -> Issue:
    theme = f"the parent's theme {parent.theme!r}" if parent.theme else "a theme such as 'Color' or 'SizeColor'"
    return issue(
        IssueCode.VARIATION_INVALID,
        message,
        attribute="variation.theme",
        remedy=f"Set variation.theme to {theme} and give a value for each of its attributes.",
    )


def _brand_key(brand: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", brand).casefold() if ch.isalnum())


def _type_key(product_type: str) -> str:
    return product_type.strip().casefold()


def _value_key(value: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", value or "").casefold().split())


def _camel_words(part: str) -> list[str]:
    """``SizeColor`` -> Size, Color; ``URLPath`` -> URL, Path; ``size`` -> size."""
    words: list[str] = []
    current = ""
    for i, ch in enumerate(part):
        following_lower = i + 1 < len(part) and part[i + 1].islower()
        if current and ch.isupper() and (current[-1].islower() or (current[-1].isupper() and following_lower)):
            words.append(current)
            current = ""
        current += ch
    return [*words, current] if current else words


def _theme_parts(theme: str) -> list[list[str]]:
    return [_camel_words(part) for part in re.split(r"[-/_ ,+&]+", theme.strip()) if part]


def _theme_words(theme: str) -> frozenset[str]:
    return frozenset(_brand_key(word) for words in _theme_parts(theme) for word in words)


def _theme_names(theme: str, attributes: Mapping[str, str]) -> list[str]:
    """Attribute names of a theme, split at separators and CamelCase; camel words that together spell an attribute
    key of ``attributes`` stay together (``NumberOfItems``, ``ColorName``)."""
    keys = {_brand_key(key) for key in attributes}
    names: list[str] = []
    for words in _theme_parts(theme):
        i = 0
        while i < len(words):
            j = next((j for j in range(len(words), i + 1, -1) if _brand_key("".join(words[i:j])) in keys), i + 1)
            names.append("".join(words[i:j]))
            i = j
    return list(dict.fromkeys(names))


def _lookup(attributes: Mapping[str, str], name: str) -> str | None:
    wanted = _brand_key(name)
    return next((value for key, value in attributes.items() if _brand_key(key) == wanted), None)


def _missing_values(theme: str, attributes: Mapping[str, str]) -> list[str]:
    return [name for name in _theme_names(theme, attributes) if not (_lookup(attributes, name) or "").strip()]


def _names(names: Sequence[str]) -> str:
    return ", ".join(names)


def _has(attributes: Mapping[str, str]) -> str:
    given = ", ".join(f"{key}={value!r}" for key, value in attributes.items())
    return f"but variation.attributes has {given}" if given else "but variation.attributes is empty"


# --- rule 4: the same model, not a different or newer one ---------------------------------------------------------


def _model_difference(parent: FamilyMember, child: ListingProposed) -> tuple[str, str] | None:
    """(attribute, finding) when the child is a different or newer model than its parent."""
    variation = child.variation
    values = variation.attributes.values() if variation else ()
    theme_values = frozenset(model_key(word) for value in values for word in TOKEN.findall(value))
    parent_model = model_key(parent.model_number or "")
    child_model = model_key(child.model_number or "")
    if parent_model and child_model:
        if same_model(parent_model, child_model) or not other_model(parent_model, child_model, theme_values):
            return None
        finding = f"child model number {child.model_number} differs from the parent's {parent.model_number}"
        return "model_number", f"{finding}: {_NOT_A_VARIANT}"
    in_child = model_tokens(child.title, theme_values)
    in_parent = model_tokens(parent.title, theme_values)
    child_only = [shown for key, shown in in_child.items() if not any(same_model(key, p) for p in in_parent)]
    parent_only = [shown for key, shown in in_parent.items() if not any(same_model(key, c) for c in in_child)]
    if not (child_only and parent_only):
        return None
    finding = f"child title names {', '.join(child_only)} where the parent's title names {', '.join(parent_only)}"
    return "title", f"{finding}: {_NOT_A_VARIANT}"
