"""Legal-form suffixes ("Inc.", "GmbH & Co. KG", "S.p.A.", "Pty Ltd" …) dropped from the end of a brand name.

"Acme Inc.", "ACME, Inc", "Acme GmbH & Co. KG" and "Acme B.V." are all the brand "Acme": the legal form says who
owns a brand, not which brand it is. Suffixes are matched on the *words* of the name after look-alike folding,
case folding, transliteration and accent stripping (so "Acme Іnc" with a Cyrillic І and "Acme A.Ş." are
caught), with dots, apostrophes and slashes removed inside a word ("B.V." is "bv", "A/S" is "as") and the
connector "&"/"and" already gone ("GmbH & Co. KG" is "gmbh co kg"). Only whole trailing words are dropped,
repeatedly ("Co., Ltd." is two suffixes), so "AcmeInc" and "Incredible" keep their letters.

A name is never stripped to nothing or to filler words alone: "Co", "The Company Store", "The Limited" and
"Limited Too" keep every word.

The most common suffixes ("Inc", "Ltd", "LLC", "Co", "Corp", "Limited" …) are also recognised when written with
"1"/"l" for "I"/"i" and "0" for "o" ("Acme lnc", "Acme C0rp"), which would otherwise be a way round the rule.
Suffixes that are also common words in those spellings ("Lda" vs "Ida", "PLC" vs "pic") are matched exactly.

Known over-reach: "Spa" (from "S.p.A.") and "AS" (Norwegian "AS", Turkish "A.Ş.") are also words; "Acme Spa"
keys as "acme". "SE" and "e.V." are left out for that reason.
"""

from __future__ import annotations

from collections.abc import Sequence

_SINGLE_WORD_SUFFIXES = (
    *("inc", "incorporated", "corp", "corporation", "co", "company"),  # English-speaking countries
    *("ltd", "limited", "llc", "llp", "lllp", "lp", "plc", "pllc", "pty", "pvt", "pte"),
    *("gmbh", "mbh", "ag", "kg", "kgaa", "ohg", "ug", "gbr"),  # German-speaking countries
    *("bv", "nv", "vof", "bvba"),  # Netherlands, Belgium
    *("sa", "sas", "sasu", "sarl", "eurl", "snc", "sca", "cie"),  # French-speaking countries
    *("spa", "srl", "srls", "sapa"),  # Italy, Romania
    *("sl", "slu", "sau", "ltda", "lda", "sac", "saa", "eirl"),  # Spain, Portugal, Latin America
    *("ab", "oy", "oyj", "asa", "as", "aps"),  # Nordic countries, Czechia, Turkey
    *("kk", "gk", "yk"),  # Japan
    *("bhd", "berhad"),  # Malaysia
    *("kft", "zrt", "nyrt", "sro"),  # Hungary, Czechia, Slovakia
    *("ooo", "oao", "zao", "pao"),  # Russia
)

_MULTI_WORD_SUFFIXES = (
    ("et", "cie"),
    ("sp", "z", "oo"),
    ("s", "de", "rl"),
    ("de", "cv"),
    ("kabushiki", "kaisha"),
    ("godo", "kaisha"),
    ("yugen", "kaisha"),
    ("private", "limited"),
    ("public", "limited", "company"),
    ("limited", "liability", "company"),
    ("limited", "partnership"),
    ("sdn", "bhd"),
    ("sendirian", "berhad"),
    ("ltd", "sti"),
    ("you", "xian", "gong", "si"),  # 有限公司 as transliterated
    ("gu", "fen", "you", "xian", "gong", "si"),  # 股份有限公司
)

LEGAL_SUFFIXES: frozenset[tuple[str, ...]] = frozenset(
    [(word,) for word in _SINGLE_WORD_SUFFIXES] + list(_MULTI_WORD_SUFFIXES)
)
"""Every legal-form suffix, as the sequence of words it is written with."""

_LONGEST_SUFFIX = max(len(suffix) for suffix in LEGAL_SUFFIXES)

_LOOK_ALIKE_TOLERANT = frozenset(
    {"inc", "incorporated", "ltd", "limited", "llc", "co", "corp", "corporation", "company"}
)
"""Suffix words also matched when "1", "l" and "i" stand in for each other and "0" for "o"."""

_LOOSE_SPELLING = str.maketrans({"1": "i", "l": "i", "0": "o"})

_FILLER_WORDS = frozenset({"the", "of", "a", "an", "and"})
"""Words that are not a name by themselves: what is left after dropping a suffix must have another word."""


def strip_legal_suffixes(words: Sequence[str]) -> list[str]:
    """``words`` without the legal-form suffixes at its end, keeping at least one word that is not filler."""
    kept = list(words)
    while suffix_length := _trailing_suffix_length(kept):
        rest = kept[:-suffix_length]
        if all(word in _FILLER_WORDS for word in rest):
            break
        kept = rest
    return kept


def _trailing_suffix_length(words: Sequence[str]) -> int:
    """How many of the last words form a legal suffix (the longest one that fits), or 0."""
    if not words:
        return 0
    last = words[-1].translate(_LOOSE_SPELLING)
    for length in range(min(_LONGEST_SUFFIX, len(words)), 0, -1):
        tail = words[-length:]
        # only suffixes whose last word could be spelled by ours (equal words are equal when loosely spelled)
        if any(_spells(tail, suffix) for suffix in _BY_LENGTH_AND_LAST.get((length, last), ())):
            return length
    return 0


def _spells(words: Sequence[str], suffix: tuple[str, ...]) -> bool:
    return all(_spells_word(word, suffix_word) for word, suffix_word in zip(words, suffix, strict=True))


def _spells_word(word: str, suffix_word: str) -> bool:
    if word == suffix_word:
        return True
    return suffix_word in _LOOK_ALIKE_TOLERANT and word.translate(_LOOSE_SPELLING) == suffix_word.translate(
        _LOOSE_SPELLING
    )


_BY_LENGTH_AND_LAST: dict[tuple[int, str], list[tuple[str, ...]]] = {}
for _suffix in LEGAL_SUFFIXES:
    _BY_LENGTH_AND_LAST.setdefault((len(_suffix), _suffix[-1].translate(_LOOSE_SPELLING)), []).append(_suffix)
