"""brand_key: look-alike spellings of registered brands share the brand's key; different brands do not."""

from __future__ import annotations

import pytest
from asinflow_brands import brand_key

pytestmark = pytest.mark.unit

REGISTERED = ["Acme", "Nike", "Apple", "Logitech", "Sony", "Hearth & Loom", "Bose", "Levi's", "Xbox"]

ZWSP, ZWNJ, ZWJ, BOM, WORD_JOINER, SOFT_HYPHEN = "\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad"
COMBINING_DIAERESIS, COMBINING_GRAVE, COMBINING_ACUTE = "\u0308", "\u0300", "\u0301"

# (spelling a seller might use, the registered brand it imitates); ids name the trick.
LOOK_ALIKES = [
    # Cyrillic letters: а с е о р х і ѕ, and capitals А С М Е Н О В Т Ѕ
    pytest.param("Асmе", "Acme", id="cyrillic-a-c-e"),
    pytest.param("АСМЕ", "Acme", id="cyrillic-capitals"),
    pytest.param("Nіke", "Nike", id="cyrillic-i"),
    pytest.param("Аррle", "Apple", id="cyrillic-a-p-p"),
    pytest.param("аpple", "Apple", id="cyrillic-small-a"),
    pytest.param("Logitеch", "Logitech", id="cyrillic-e"),
    pytest.param("Lоgitесh", "Logitech", id="cyrillic-o-e-c"),
    pytest.param("Ѕony", "Sony", id="cyrillic-capital-dze"),
    pytest.param("ѕony", "Sony", id="cyrillic-small-dze"),
    pytest.param("Воѕе", "Bose", id="cyrillic-ve-o-dze-e"),
    pytest.param("Неаrth & Lоom", "Hearth & Loom", id="cyrillic-en-e-a-o"),
    pytest.param("Хbох", "Xbox", id="cyrillic-kha"),
    pytest.param("Nikё", "Nike", id="cyrillic-yo"),
    # Greek letters: ο α ν ι κ, and capitals Ν Ι Κ Ε Α Ρ
    pytest.param("Sοny", "Sony", id="greek-omicron"),
    pytest.param("Bοse", "Bose", id="greek-omicron-bose"),
    pytest.param("αcme", "Acme", id="greek-alpha"),
    pytest.param("Leνi's", "Levi's", id="greek-nu"),
    pytest.param("Nιke", "Nike", id="greek-iota"),
    pytest.param("Niκe", "Nike", id="greek-kappa"),
    pytest.param("ΝΙΚΕ", "Nike", id="greek-capitals"),
    pytest.param("Νike", "Nike", id="greek-capital-nu"),
    pytest.param("ΑΡΡLΕ", "Apple", id="greek-capital-alpha-rho"),
    # Other scripts and styled letters
    pytest.param("ᎪᏟᎷᎬ", "Acme", id="cherokee"),
    pytest.param("𝐀𝐜𝐦𝐞", "Acme", id="mathematical-bold"),
    pytest.param("ᴀᴄᴍᴇ", "Acme", id="small-capitals"),
    # Full-width
    pytest.param("Ａｃｍｅ", "Acme", id="full-width"),
    pytest.param("ｎｉｋｅ", "Nike", id="full-width-lower"),
    pytest.param("ＳＯＮＹ", "Sony", id="full-width-capitals"),
    pytest.param("Hearth ＆ Loom", "Hearth & Loom", id="full-width-ampersand"),
    pytest.param("Ｓ０ｎｙ", "Sony", id="full-width-digit"),
    # Zero-width and format characters
    pytest.param(f"Ac{ZWSP}me", "Acme", id="zero-width-space"),
    pytest.param(f"A{ZWNJ}c{ZWJ}me", "Acme", id="zero-width-joiners"),
    pytest.param(f"{BOM}Acme", "Acme", id="byte-order-mark"),
    pytest.param(f"Ac{WORD_JOINER}me", "Acme", id="word-joiner"),
    pytest.param(f"B{SOFT_HYPHEN}ose", "Bose", id="soft-hyphen"),
    pytest.param(f"Apple{ZWJ}", "Apple", id="trailing-zero-width-joiner"),
    pytest.param(f"S{ZWSP}O{ZWSP}N{ZWSP}Y", "Sony", id="zero-width-between-capitals"),
    pytest.param(f"Logi{SOFT_HYPHEN}tech", "Logitech", id="soft-hyphen-logitech"),
    # Accents, precomposed and combining
    pytest.param("Nïkè", "Nike", id="precomposed-accents"),
    pytest.param(f"Ni{COMBINING_DIAERESIS}ke{COMBINING_GRAVE}", "Nike", id="combining-accents"),
    pytest.param("Bosé", "Bose", id="acute"),
    pytest.param(f"So{COMBINING_ACUTE}ny", "Sony", id="combining-acute"),
    pytest.param("Åpplé", "Apple", id="ring-and-acute"),
    # Legal-form suffixes
    pytest.param("Acme Inc.", "Acme", id="inc"),
    pytest.param("ACME, Inc", "Acme", id="comma-inc"),
    pytest.param("Acme GmbH & Co. KG", "Acme", id="gmbh-co-kg"),
    pytest.param("Acme B.V.", "Acme", id="bv"),
    pytest.param("Acme S.A.", "Acme", id="sa"),
    pytest.param("Acme Corporation", "Acme", id="corporation"),
    pytest.param("Acme Corp.", "Acme", id="corp"),
    pytest.param("Acme Ltd.", "Acme", id="ltd"),
    pytest.param("Acme LLC", "Acme", id="llc"),
    pytest.param("Acme Co.", "Acme", id="co"),
    pytest.param("Acme Company", "Acme", id="company"),
    pytest.param("Acme AG", "Acme", id="ag"),
    pytest.param("Acme S.p.A.", "Acme", id="spa"),
    pytest.param("Acme Pty Ltd", "Acme", id="pty-ltd"),
    pytest.param("Acme KK", "Acme", id="kk"),
    pytest.param("Acme Oy", "Acme", id="oy"),
    pytest.param("Acme AB", "Acme", id="ab"),
    pytest.param("Acme SARL", "Acme", id="sarl"),
    pytest.param("Acme PLC", "Acme", id="plc"),
    pytest.param("Acme Limited", "Acme", id="limited"),
    pytest.param("Acme Co., Ltd.", "Acme", id="co-ltd"),
    pytest.param("Acme Sp. z o.o.", "Acme", id="sp-z-oo"),
    pytest.param("Acme S.A. de C.V.", "Acme", id="sa-de-cv"),
    pytest.param("Acme A/S", "Acme", id="a-s"),
    pytest.param("Acme & Co.", "Acme", id="and-co"),
    pytest.param("Acme et Cie", "Acme", id="et-cie"),
    pytest.param("Nike, Inc.", "Nike", id="nike-inc"),
    pytest.param("Apple Inc.", "Apple", id="apple-inc"),
    pytest.param("SONY CORPORATION", "Sony", id="sony-corporation"),
    pytest.param("LOGITECH S.A.", "Logitech", id="logitech-sa"),
    pytest.param("HEARTH & LOOM LTD", "Hearth & Loom", id="hearth-loom-ltd"),
    pytest.param("Bose Corp", "Bose", id="bose-corp"),
    pytest.param("华为股份有限公司", "华为", id="chinese-company-limited"),
    # Look-alike tricks inside the suffix itself
    pytest.param("Acme Іnc", "Acme", id="suffix-cyrillic-i"),
    pytest.param("Acme lnc", "Acme", id="suffix-small-l-for-i"),
    pytest.param("Acme 1nc.", "Acme", id="suffix-digit-one"),
    pytest.param("Acme C0rp", "Acme", id="suffix-digit-zero"),
    pytest.param("Acme L\u0422D", "Acme", id="suffix-cyrillic-te"),
    pytest.param(f"Acme In{ZWSP}c.", "Acme", id="suffix-zero-width"),
    # Spacing, punctuation and case
    pytest.param("A c m e", "Acme", id="spaced-letters"),
    pytest.param("A.C.M.E.", "Acme", id="dotted-letters"),
    pytest.param("acme-", "Acme", id="trailing-hyphen"),
    pytest.param("  acme  ", "Acme", id="surrounding-spaces"),
    pytest.param("aCmE", "Acme", id="mixed-case"),
    pytest.param("NIKE", "Nike", id="upper-case"),
    pytest.param("Logi-Tech", "Logitech", id="hyphenated"),
    pytest.param("Hearth and Loom", "Hearth & Loom", id="and-for-ampersand"),
    pytest.param("Hearth&Loom", "Hearth & Loom", id="ampersand-without-spaces"),
    pytest.param("hearth   &   loom", "Hearth & Loom", id="extra-spaces"),
    pytest.param("Hearth + Loom", "Hearth & Loom", id="plus-for-ampersand"),
    pytest.param("Hearth Loom", "Hearth & Loom", id="no-connector"),
    pytest.param("Levis", "Levi's", id="no-apostrophe"),
    pytest.param("Levi’s", "Levi's", id="typographic-apostrophe"),
    pytest.param("X-Box", "Xbox", id="hyphen-xbox"),
    pytest.param("Acme™", "Acme", id="trademark-sign"),
    pytest.param("Acme®", "Acme", id="registered-sign"),
    pytest.param("Acme(R)", "Acme", id="typed-registered-sign"),
    # Digits for letters inside a word
    pytest.param("S0ny", "Sony", id="zero-for-o"),
    pytest.param("L0gitech", "Logitech", id="zero-for-o-logitech"),
    pytest.param("App1e", "Apple", id="one-for-l"),
    pytest.param("B0se", "Bose", id="zero-for-o-bose"),
    pytest.param("S0NY", "Sony", id="zero-for-o-capitals"),
    pytest.param("Hearth & Lo0m", "Hearth & Loom", id="zero-for-o-in-second-word"),
    pytest.param("Xb0x", "Xbox", id="zero-for-o-xbox"),
    pytest.param("L0GITECH", "Logitech", id="zero-for-o-capitals-logitech"),
    # Several tricks at once
    pytest.param(f"Ѕ{ZWSP}0ｎу Сorp.", "Sony", id="combined-tricks"),
    pytest.param("АРР1Е, Іnc.", "Apple", id="cyrillic-digit-suffix"),
]


@pytest.mark.parametrize(("spelling", "registered"), LOOK_ALIKES)
def test_look_alike_spelling_gets_the_registered_brands_key(spelling: str, registered: str) -> None:
    assert spelling != registered  # a real variant, not the brand itself
    assert brand_key(spelling) == brand_key(registered)


def test_there_are_at_least_fifty_look_alikes() -> None:
    assert len(LOOK_ALIKES) >= 50


DIFFERENT_BRANDS = [
    "Acne Studios",
    "Acer",
    "Asics",
    "Sonos",
    "Sonoff",
    "Bosch",
    "Boss",
    "Applebee's",
    "Appletiser",
    "Nikon",
    "Nikko",
    "Logic3",
    "Logik",
    "Hearth & Hand",
    "Loom & Leaf",
    "Hearth",
    "Xerox",
    "Levi Strauss Signature",
    "Lev",
    "Adidas",
    "Puma",
    "Samsung",
    "Canon",
    "Microsoft",
    "Sennheiser",
    "Acme Tools",
    "Nike Golf Club Direct",
    "3M",
    "7-Eleven",
    "Ace",
    "Sany",
    "Bose Beats",
]


@pytest.mark.parametrize("other", DIFFERENT_BRANDS)
def test_a_different_brand_gets_none_of_the_registered_keys(other: str) -> None:
    assert brand_key(other) not in {brand_key(name) for name in REGISTERED}


def test_different_brands_keep_different_keys() -> None:
    keys = [brand_key(name) for name in DIFFERENT_BRANDS]
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Levi's 501", "Levi's"),
        ("Levi's 501", "Levi's 505"),
        ("Levi's 501", "Levi's 5ol"),
        ("3M", "M"),
        ("3M", "EM"),
        ("7-Eleven", "Eleven"),
        ("7-Eleven", "T-Eleven"),
        ("1-800-Flowers", "l-800-Flowers"),
        ("Windows 10", "Windows lo"),
        ("B100M", "Bloom"),
        ("A1", "Al"),
        ("F1", "Fl"),
        ("10X", "Lox"),
        ("Bali", "Ball"),
        ("Modern", "Modem"),
        ("Corner", "Comer"),
    ],
)
def test_brands_that_differ_in_digits_or_look_alike_pairs_stay_apart(one: str, other: str) -> None:
    assert brand_key(one) != brand_key(other)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Acme", "acme"),
        ("Hearth & Loom", "hearthloom"),
        ("And", "and"),
        ("&", ""),
        ("Levi's 501", "levis501"),
        ("3M", "3m"),
        ("7-Eleven", "7eleven"),
        ("Co", "co"),
        ("Inc.", "inc"),
        ("The Company Store", "thecompanystore"),
        ("The Limited", "thelimited"),
        ("The Co.", "theco"),
        ("Limited Too", "limitedtoo"),
        ("AcmeInc", "acmeinc"),
        ("Incredible", "incredible"),
        ("Tiffany & Co.", "tiffany"),
        ("", ""),
        ("™ ® ©", ""),
        (f"{ZWSP}{ZWJ}", ""),
        ("!!! ---", ""),
    ],
)
def test_documented_keys(name: str, key: str) -> None:
    assert brand_key(name) == key


def test_names_in_other_scripts_keep_a_non_empty_ascii_key() -> None:
    keys = {brand_key(name) for name in ["华为", "ソニー", "삼성", "Київ", "हिन्दी", "שלום"]}
    assert "" not in keys
    assert len(keys) == 6
    assert all(key.isascii() and key.isalnum() for key in keys)


def test_a_legal_suffix_is_dropped_from_the_end_only() -> None:
    assert brand_key("Co Acme") != brand_key("Acme")
    assert brand_key("Acme Limited Edition") != brand_key("Acme")


def test_capital_i_spelled_with_l_or_1_is_not_gated() -> None:
    # "i" and "l" stay distinct after case folding ("Bali" vs "Ball"); these are near misses instead.
    assert brand_key("NlKE") != brand_key("Nike")
    assert brand_key("N1KE") != brand_key("Nike")
