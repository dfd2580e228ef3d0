"""Variation (parent/child) and multipack rules on realistic families (DESIGN §4 "Variations", §6)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from asinflow_contracts.events import ListingProposed
from asinflow_contracts.issues import Issue, IssueCode, Severity
from asinflow_identifier_validation.domain.variations import (
    FamilyMember,
    child_issues,
    explain_model_difference,
    multipack_issues,
    parent_change_findings,
)

pytestmark = pytest.mark.unit

SINGLE_GTIN14 = "00036000291452"  # the UPC 036000291452 of one unit, as GTIN-14
PACK_GTIN14 = "10036000291459"  # the manufacturer's case GTIN of the same item (indicator digit 1)


def proposal(sku: str, title: str, **fields: Any) -> ListingProposed:
    data: dict[str, Any] = {
        "seller_id": "S-1001",
        "sku": sku,
        "title": title,
        "brand": "Acme",
        "manufacturer": "Acme Audio Ltd",
        "product_type": "HEADPHONES",
        "identifiers": [{"type": "UPC", "value": "036000291452"}],
    }
    data.update(fields)
    return ListingProposed.model_validate(data)


def child(sku: str, title: str, parent_sku: str, theme: str | None, **attributes: str) -> dict[str, Any]:
    """The fields of a child proposal (pass to :func:`proposal` with ``**``)."""
    variation = {"parent_sku": parent_sku, "theme": theme, "attributes": attributes}
    return {"sku": sku, "title": title, "variation": variation}


def member(p: ListingProposed, gtin14: str | None = None) -> FamilyMember:
    return FamilyMember.of(p, gtin14)


def assert_explained(issue: Issue, code: IssueCode, attribute: str, *values: str) -> None:
    """The issue is an ERROR of ``code`` on ``attribute`` whose message names every compared value."""
    assert issue.code == code
    assert issue.amazon_code == (8016 if code == IssueCode.VARIATION_INVALID else None)
    assert issue.severity == Severity.ERROR
    assert issue.attribute == attribute
    for value in values:
        assert value in issue.message, (value, issue.message)
    assert issue.remedy.strip()


def only(issues: Sequence[Issue]) -> Issue:
    assert len(issues) == 1, [i.message for i in issues]
    return issues[0]


# --- families ---------------------------------------------------------------------------------------------------

HEADPHONES = proposal("HP-01", "Acme Wireless Headphones WH-100", model_number="WH-100", variation={"theme": "Color"})
HP_BLACK = proposal(
    **child("HP-BLK-01", "Acme Wireless Headphones WH-100, Black", "HP-01", "Color", Color="Black"),
    model_number="WH-100",
    part_number="WH100-BK",
)
HP_WHITE = proposal(
    **child("HP-WHT-01", "Acme Wireless Headphones WH100-WH, White", "HP-01", "Color", Color="White"),
    model_number="WH100-BK",  # the brand's suffix scheme is not ours to decode: a short suffix is a variant
)
HP_BLUE = proposal(**child("HP-BLU-01", "Acme Wireless Headphones WH-100, Blue", "HP-01", "color", color="Blue"))

TSHIRT = proposal(
    "TS-01", "Acme Crew T-Shirt 40 White", product_type="SHIRT", variation={"theme": "SizeColor"}
)  # a parent title copied from its first child, as sellers often do
TS_M_BLACK = proposal(
    **child("TS-M-BLK", "Acme Crew T-Shirt, M, Black", "TS-01", "SizeColor", Size="M", Color="Black"),
    product_type="SHIRT",
)

CASES = proposal("PC-01", "Acme Slim Case for Galaxy S21", product_type="PHONE_ACCESSORY", variation={"theme": "Color"})


def headphones_child(**fields: Any) -> ListingProposed:
    """A Black headphones child; ``fields`` override its fields."""
    data = HP_BLACK.model_dump()
    data.update(fields)
    return ListingProposed.model_validate(data)


# --- a true family passes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("candidate", [HP_BLACK, HP_WHITE, HP_BLUE], ids=lambda p: p.sku)
def test_colour_children_of_the_headphones_are_true_variants(candidate: ListingProposed) -> None:
    siblings = [member(p, SINGLE_GTIN14) for p in (HP_BLACK, HP_WHITE, HP_BLUE) if p.sku != candidate.sku]

    assert child_issues(candidate, SINGLE_GTIN14, member(HEADPHONES), siblings) == []


def test_family_member_of_a_parent_has_no_attributes_and_a_child_keeps_its_values() -> None:
    parent, black = member(HEADPHONES, None), member(HP_BLACK, SINGLE_GTIN14)

    assert (parent.sku, parent.theme, dict(parent.attributes), parent.gtin14) == ("HP-01", "Color", {}, None)
    assert (black.theme, dict(black.attributes), black.model_number, black.gtin14) == (
        "Color",
        {"Color": "Black"},
        "WH-100",
        SINGLE_GTIN14,
    )


# --- rule 1: brand and product type -----------------------------------------------------------------------------


@pytest.mark.parametrize("brand", ["ACME", "acme", " Acme ", "A.C.M.E.", "Ａｃｍｅ"])
def test_the_parents_brand_written_differently_is_the_same_brand(brand: str) -> None:
    assert child_issues(headphones_child(brand=brand), None, member(HEADPHONES), []) == []


def test_a_child_of_another_brand_is_rejected_naming_both_brands() -> None:
    found = only(child_issues(headphones_child(brand="Acme Pro"), None, member(HEADPHONES), []))

    assert_explained(found, IssueCode.VARIATION_INVALID, "brand", "'Acme Pro'", "'Acme'", "HP-01")


def test_a_child_of_another_product_type_is_rejected_and_case_does_not_matter() -> None:
    found = only(child_issues(headphones_child(product_type="SPEAKERS"), None, member(HEADPHONES), []))

    assert_explained(found, IssueCode.VARIATION_INVALID, "product_type", "'SPEAKERS'", "'HEADPHONES'")
    assert child_issues(headphones_child(product_type="Headphones"), None, member(HEADPHONES), []) == []


# --- rule 2: theme and theme attributes -------------------------------------------------------------------------


@pytest.mark.parametrize("theme", ["SizeColor", "Size-Color", "Size/Color", "size_color", "Size Color"])
def test_a_compound_theme_is_split_and_its_keys_match_case_insensitively(theme: str) -> None:
    shirt = proposal(
        **child("TS-L-RED", "Acme Crew T-Shirt, L, Red", "TS-01", theme, size="L", COLOR="Red"), product_type="SHIRT"
    )

    assert child_issues(shirt, None, member(TSHIRT), [member(TS_M_BLACK)]) == []


def test_a_missing_theme_attribute_is_rejected_naming_what_is_missing_and_what_was_given() -> None:
    shirt = proposal(**child("TS-M", "Acme Crew T-Shirt, M", "TS-01", "SizeColor", Size="M"), product_type="SHIRT")

    found = only(child_issues(shirt, None, member(TSHIRT), []))

    assert_explained(found, IssueCode.VARIATION_INVALID, "variation.attributes", "'SizeColor'", "Color", "Size='M'")


def test_an_empty_theme_value_counts_as_missing() -> None:
    shirt = proposal(
        **child("TS-M-X", "Acme Crew T-Shirt, M", "TS-01", "SizeColor", Size="M", Color="  "), product_type="SHIRT"
    )

    assert_explained(
        only(child_issues(shirt, None, member(TSHIRT), [])),
        IssueCode.VARIATION_INVALID,
        "variation.attributes",
        "Color",
    )


def test_a_child_without_a_theme_is_rejected_naming_the_parents_theme() -> None:
    blue = proposal(**child("HP-BLU-02", "Acme Wireless Headphones WH-100, Blue", "HP-01", None, Color="Blue"))

    found = only(child_issues(blue, None, member(HEADPHONES), []))

    assert_explained(found, IssueCode.VARIATION_INVALID, "variation.theme", "'Color'")


def test_a_child_whose_theme_differs_from_the_parents_is_rejected() -> None:
    sized = proposal(**child("HP-L", "Acme Wireless Headphones WH-100, L", "HP-01", "Size", Size="L", Color="Black"))

    found = only(child_issues(sized, None, member(HEADPHONES), []))

    assert_explained(found, IssueCode.VARIATION_INVALID, "variation.theme", "'Size'", "'Color'")


def test_a_multi_word_attribute_name_is_not_split_when_the_child_uses_it() -> None:
    batteries = proposal(
        "BAT-01", "Acme AA Alkaline Batteries", product_type="BATTERY", variation={"theme": "NumberOfItems"}
    )
    four = proposal(
        **child("BAT-4", "Acme AA Alkaline Batteries, 4 Count", "BAT-01", "NumberOfItems", NumberOfItems="4"),
        product_type="BATTERY",
    )

    assert child_issues(four, None, member(batteries), []) == []


# --- rule 3: siblings differ on the theme -----------------------------------------------------------------------


def test_a_child_with_a_siblings_combination_is_rejected_naming_the_sibling_and_the_values() -> None:
    again = proposal(
        **child("TS-M-BLK-2", "Acme Crew T-Shirt, M, Black", "TS-01", "SizeColor", size=" m ", color="BLACK"),
        product_type="SHIRT",
    )

    found = only(child_issues(again, None, member(TSHIRT), [member(TS_M_BLACK)]))

    assert_explained(found, IssueCode.VARIATION_INVALID, "variation.attributes", "TS-M-BLK", "Black", "m")


def test_children_that_differ_on_one_theme_attribute_are_distinct() -> None:
    white = proposal(
        **child("TS-M-WHT", "Acme Crew T-Shirt, M, White", "TS-01", "SizeColor", Size="M", Color="White"),
        product_type="SHIRT",
    )

    assert child_issues(white, None, member(TSHIRT), [member(TS_M_BLACK)]) == []


def test_an_older_version_of_the_same_sku_is_not_a_duplicate_sibling() -> None:
    assert child_issues(TS_M_BLACK, None, member(TSHIRT), [member(TS_M_BLACK)]) == []


# --- rule 4: not a different or newer model ---------------------------------------------------------------------


def test_a_child_with_a_newer_model_number_is_rejected_with_an_explanation_naming_both() -> None:
    newer = headphones_child(model_number="WH-200", title="Acme Wireless Headphones WH-200, Black")

    assert explain_model_difference(member(HEADPHONES), newer) == (
        "child model number WH-200 differs from the parent's WH-100: a different (or newer) model, not a variant"
    )
    found = only(child_issues(newer, None, member(HEADPHONES), []))
    assert_explained(found, IssueCode.VARIATION_INVALID, "model_number", "WH-200", "WH-100")


@pytest.mark.parametrize(
    ("parent_model", "child_model"),
    [("WH-100", "WH-200"), ("SM-S21", "SM-S22"), ("iPhone 13", "iPhone 14"), ("WH-100", "WH200-BK")],
)
def test_model_numbers_whose_letters_agree_but_numbers_differ_are_different_models(
    parent_model: str, child_model: str
) -> None:
    parent = member(proposal("P", "Acme Product", model_number=parent_model, variation={"theme": "Color"}))
    finding = explain_model_difference(parent, headphones_child(model_number=child_model))

    assert finding is not None
    assert child_model in finding
    assert parent_model in finding


@pytest.mark.parametrize(
    ("parent_model", "child_model"),
    [
        ("WH-100", "wh100"),  # separators and case
        ("WH-100", "WH100-BK"),  # a colour suffix
        ("WH-100", "WH-100/BLU"),
        ("910-005270", "910-005271"),  # per-colour article numbers without letters: unsure, so not rejected
        ("WH-100", "XB-900"),  # nothing in common to compare: unsure, so not rejected
    ],
)
def test_model_numbers_of_the_same_model_or_unsure_pass(parent_model: str, child_model: str) -> None:
    parent = member(proposal("P", "Acme Product", model_number=parent_model, variation={"theme": "Color"}))

    assert explain_model_difference(parent, headphones_child(model_number=child_model)) is None


def test_a_galaxy_s22_case_under_a_galaxy_s21_case_is_rejected_on_titles() -> None:
    s22 = proposal(
        **child("PC-S22-BLK", "Acme Slim Case for Galaxy S22, Black", "PC-01", "Color", Color="Black"),
        product_type="PHONE_ACCESSORY",
    )

    found = only(child_issues(s22, None, member(CASES), []))

    assert_explained(found, IssueCode.VARIATION_INVALID, "title", "S22", "S21")
    assert "different (or newer) model" in found.message


def test_an_iphone_14_case_under_an_iphone_13_case_is_rejected_on_titles() -> None:
    parent = member(proposal("IC-01", "Acme Clear Case for iPhone 13", variation={"theme": "Color"}))
    finding = explain_model_difference(
        parent, headphones_child(title="Acme Clear Case for iPhone 14, Black", model_number=None)
    )

    assert finding is not None
    assert "iPhone 14" in finding
    assert "iPhone 13" in finding


def test_a_colour_child_of_the_same_phone_case_passes_on_titles() -> None:
    black = proposal(
        **child("PC-S21-BLK", "Acme Slim Case for Galaxy S21 - Black", "PC-01", "Color", Color="Black"),
        product_type="PHONE_ACCESSORY",
    )

    assert child_issues(black, None, member(CASES), []) == []


@pytest.mark.parametrize(
    ("title", "attributes"),
    [
        ("Acme Crew T-Shirt 42 Black", {"Size": "42", "Color": "Black"}),
        ("Acme Crew T-Shirt XL Black", {"Size": "XL", "Color": "Black"}),
        ("Acme Crew T-Shirt 2XL, Navy Blue", {"Size": "2XL", "Color": "Navy Blue"}),
        ("Acme Crew T-Shirt Size 44-46 Black", {"Size": "44-46", "Color": "Black"}),
    ],
)
def test_sizes_in_titles_are_variation_values_not_models(title: str, attributes: dict[str, str]) -> None:
    shirt = proposal(**child("TS-X", title, "TS-01", "SizeColor", **attributes), product_type="SHIRT")

    assert explain_model_difference(member(TSHIRT), shirt) is None
    assert child_issues(shirt, None, member(TSHIRT), [member(TS_M_BLACK)]) == []


@pytest.mark.parametrize(
    ("parent_title", "child_title"),
    [
        ("Acme Sparkling Water, 330 ml, Pack of 24", "Acme Sparkling Water Lime, 500ml, 12 Pack"),
        ("Acme Cotton Socks, Pack of 6", "Acme Cotton Socks Grey, Pack of 12"),
        ("Acme Power Bank 10000 mAh, 20 W", "Acme Power Bank 20000mAh 18W Lime"),
        ("Acme USB Stick 64 GB", "Acme USB Stick 128GB, 2 x Lime"),
        ("Acme Kitchen Towel 20 x 30 cm", "Acme Kitchen Towel 40x60 cm Lime, 100% cotton"),
    ],
)
def test_measures_and_counts_in_titles_are_not_models(parent_title: str, child_title: str) -> None:
    parent = member(proposal("P-01", parent_title, variation={"theme": "Flavor"}))
    variation = {"parent_sku": "P-01", "theme": "Flavor", "attributes": {"Flavor": "Lime"}}
    lime = headphones_child(title=child_title, model_number=None, variation=variation)

    assert explain_model_difference(parent, lime) is None


def test_without_model_numbers_a_title_naming_the_same_model_with_a_suffix_passes() -> None:
    parent = member(proposal("HP-02", "Acme Wireless Headphones WH-100", variation={"theme": "Color"}))
    white = headphones_child(title="Acme Wireless Headphones WH100-WH, White", model_number=None)

    assert explain_model_difference(parent, white) is None


# --- rule 5: multipacks -----------------------------------------------------------------------------------------

BATTERIES = proposal("BAT-01", "Acme AA Alkaline Batteries", product_type="BATTERY", variation={"theme": "Size"})


def battery_pack(manufacturer_multipack: bool) -> ListingProposed:
    return proposal(
        **child("BAT-6", "Acme AA Alkaline Batteries, Pack of 6", "BAT-01", "Size", Size="6 Count"),
        product_type="BATTERY",
        package_quantity=6,
        manufacturer_multipack=manufacturer_multipack,
    )


def test_a_seller_assembled_multipack_child_is_rejected() -> None:
    found = only(multipack_issues(battery_pack(False), PACK_GTIN14, member(BATTERIES, SINGLE_GTIN14)))

    assert_explained(found, IssueCode.MULTIPACK_NOT_MANUFACTURER, "manufacturer_multipack", "6", "false")
    assert "quantity" in found.remedy
    assert "GTIN" in found.remedy


def test_a_multipack_without_a_gtin_is_rejected() -> None:
    found = only(multipack_issues(battery_pack(True), None, member(BATTERIES, SINGLE_GTIN14)))

    assert_explained(found, IssueCode.MULTIPACK_NOT_MANUFACTURER, "identifiers", "6", "GTIN")


def test_a_multipack_reusing_the_single_units_gtin_is_rejected() -> None:
    found = only(multipack_issues(battery_pack(True), SINGLE_GTIN14, member(BATTERIES, SINGLE_GTIN14)))

    assert_explained(
        found,
        IssueCode.MULTIPACK_NOT_MANUFACTURER,
        "identifiers",
        "the multipack uses the GTIN of the single unit",
        SINGLE_GTIN14,
        "BAT-01",
    )


def test_a_seller_bundle_without_a_gtin_gets_both_findings() -> None:
    issues = multipack_issues(battery_pack(False), None, member(BATTERIES, SINGLE_GTIN14))

    assert [i.attribute for i in issues] == ["manufacturer_multipack", "identifiers"]


def test_a_manufacturer_multipack_with_its_own_gtin_passes() -> None:
    assert multipack_issues(battery_pack(True), PACK_GTIN14, member(BATTERIES, SINGLE_GTIN14)) == []
    assert child_issues(battery_pack(True), PACK_GTIN14, member(BATTERIES, SINGLE_GTIN14), []) == []


def test_child_issues_include_the_multipack_rules() -> None:
    issues = child_issues(battery_pack(False), PACK_GTIN14, member(BATTERIES, SINGLE_GTIN14), [])

    assert [i.code for i in issues] == [IssueCode.MULTIPACK_NOT_MANUFACTURER]


def test_standalone_multipacks_follow_the_same_rules_and_single_units_are_not_multipacks() -> None:
    bundle = proposal("BAT-12", "Acme AA Alkaline Batteries, 12 Pack", product_type="BATTERY", package_quantity=12)
    single = proposal("BAT-1", "Acme AA Alkaline Battery", product_type="BATTERY")

    assert [i.attribute for i in multipack_issues(bundle, PACK_GTIN14, None)] == ["manufacturer_multipack"]
    assert multipack_issues(single, None, None) == []


# --- a live parent re-proposed ----------------------------------------------------------------------------------

HP_CHILDREN = [member(p, SINGLE_GTIN14) for p in (HP_BLACK, HP_WHITE, HP_BLUE)]


def reproposed_parent(**fields: Any) -> ListingProposed:
    data = HEADPHONES.model_dump()
    data.update(fields)
    return ListingProposed.model_validate(data)


def test_an_unchanged_parent_still_fits_its_children() -> None:
    assert parent_change_findings(HEADPHONES, HP_CHILDREN) == []
    assert parent_change_findings(reproposed_parent(brand="ACME", title="Acme Headphones WH-100"), HP_CHILDREN) == []


def test_a_parent_whose_brand_changed_no_longer_fits_any_child() -> None:
    findings = parent_change_findings(reproposed_parent(brand="Zenith"), HP_CHILDREN)

    assert len(findings) == 3
    for finding, sku in zip(findings, ["HP-BLK-01", "HP-WHT-01", "HP-BLU-01"], strict=True):
        assert sku in finding
        assert "'Zenith'" in finding
        assert "'Acme'" in finding


def test_a_parent_whose_product_type_changed_no_longer_fits() -> None:
    findings = parent_change_findings(reproposed_parent(product_type="SPEAKERS"), HP_CHILDREN[:1])

    assert len(findings) == 1
    assert "'SPEAKERS'" in findings[0]
    assert "'HEADPHONES'" in findings[0]


def test_a_parent_whose_theme_changed_from_color_to_size_no_longer_fits_children_without_a_size() -> None:
    findings = parent_change_findings(reproposed_parent(variation={"theme": "Size"}), HP_CHILDREN)

    assert len(findings) == 3
    assert all("'Size'" in f and "color=" in f.casefold() for f in findings)


def test_a_parent_whose_theme_grew_fits_only_the_children_that_have_the_new_attribute() -> None:
    sized = member(
        proposal(
            **child("HP-BLK-L", "Acme Wireless Headphones WH-100, Black, L", "HP-01", "Color", Color="Black", Size="L")
        )
    )

    findings = parent_change_findings(reproposed_parent(variation={"theme": "SizeColor"}), [sized, HP_CHILDREN[0]])

    assert len(findings) == 1
    assert "HP-BLK-01" in findings[0]


@pytest.mark.parametrize(
    "junk", ["", "-", "1²", "WH-1²", "٤٢", "x", "--//__", "\u200b", "ＷＨ－１００", "1.5.5,3", "9" * 60]
)
def test_junk_model_numbers_and_titles_never_crash(junk: str) -> None:
    parent = member(proposal("P", f"Acme {junk or 'Headphones'}", model_number=junk or None))
    for model in (junk or None, "WH-100", None):
        odd = headphones_child(title=f"Acme {junk} Black", model_number=model)
        finding = explain_model_difference(parent, odd)
        assert finding is None or "not a variant" in finding
        assert all(i.remedy for i in child_issues(odd, None, parent, [parent]))
