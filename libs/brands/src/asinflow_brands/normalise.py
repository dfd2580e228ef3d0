"""``brand_key``: the normalised key two spellings of one brand share, so that a respelling cannot dodge a gate.

The steps, in order (each one needs the ones before it):

1. Drop invisible characters: Unicode category Cf (zero-width space, joiners, word joiner, byte-order mark,
   soft hyphen, bidi controls) and lone surrogates. They are dropped, not turned into spaces, so "Ac\u200bme"
   is "Acme". Trademark and copyright signs (™ ℠ ® © ℗ Ⓡ) become spaces: NFKC and the confusables data
   would otherwise spell them as letters ("TM", "R").
2. Unicode NFKC: full-width "Ａｃｍｅ", mathematical "𝐀𝐜𝐦𝐞", ligatures and superscripts become plain letters.
3. Look-alikes and case, one character at a time on the decomposed (NFD) text: each character is folded to
   the Latin letter it imitates (UTS #39 confusables via ``disarm``, see :mod:`asinflow_brands.confusables`),
   case-folded, and folded again. Decomposing first means "ё" (Cyrillic) is seen as "е" plus a diaeresis and
   ends as "e", like "ë".
4. Accents: combining marks on a letter that is now ASCII are dropped ("Nïkè" → "nike"). Marks on letters of
   other scripts are kept for the next step, which spells those letters better with their marks.
5. Transliteration of what is still not ASCII ("华为" → "huawei"); characters with no spelling are dropped. Then
   lower case.
6. Words: dots, apostrophes and slashes are removed inside a word ("A.C.M.E." → "acme", "Levi's" → "levis",
   "A/S" → "as"); typed trademark signs "(TM)", "(R)", "(C)" are dropped; every other non-alphanumeric
   character ("&" and "+" too) separates words.
7. The connector word "and" is dropped, unless the name is nothing else: "&" already separates words, so
   "Hearth & Loom", "Hearth and Loom", "Hearth&Loom", "Hearth + Loom" and "Hearth Loom" are one brand
   ("hearthloom"). Writing the "&" out is too easy a dodge to be a different brand; "und", "et", "y" are
   not dropped ("Dolce e Gabbana" is one edit from "Dolce & Gabbana", a near miss).
8. Legal-form suffixes at the end of the words are dropped (:mod:`asinflow_brands.suffixes`).
9. The words are joined with nothing between them, so spacing never matters ("A c m e" → "acme").
10. Digits standing in for letters inside a word are read as letters ("S0ny" → "sony";
   :mod:`asinflow_brands.digits` says which).

The result is ``[a-z0-9]*``, empty only when nothing readable is left. ``brand_key`` is deterministic and
idempotent: a key is its own key.

A key is for comparison only. It is not for display and may read oddly: whole words in Cyrillic are folded by
look (Cyrillic "Москва" → "mockba"). Letter pairs that look like one letter ("rn" for "m", "vv" for "w",
"cl" for "d") are left alone in the key, so that "Modern" does not become "modem" and "Barn" "bam"; "Acrne" is
therefore not "Acme", but :mod:`asinflow_brands.near_miss` counts such a pair as a single edit and flags it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from asinflow_brands.confusables import latin_look_alike, transliterate_to_ascii
from asinflow_brands.digits import read_digits_as_letters
from asinflow_brands.suffixes import strip_legal_suffixes

_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cs"})
_MARK_CATEGORIES = frozenset({"Mn", "Mc", "Me"})
_TRADEMARK_SIGNS = str.maketrans(dict.fromkeys("™℠®©℗Ⓡ", " "))
_TYPED_TRADEMARK_SIGNS = re.compile(r"\((?:tm|sm|r|c)\)")
_INSIDE_WORD_PUNCTUATION = str.maketrans("", "", ".'/")
_WORD = re.compile(r"[a-z0-9]+")
_CONNECTORS = frozenset({"and"})


@lru_cache(maxsize=65_536)
def brand_key(name: str) -> str:
    """The key a brand name is compared on: equal keys are the same brand to the registry (pure, so cached)."""
    visible = _without_invisible_characters(name).translate(_TRADEMARK_SIGNS)
    latin = _fold_look_alikes(unicodedata.normalize("NFKC", visible))
    words = _without_connectors(_words(transliterate_to_ascii(latin).lower()))
    return read_digits_as_letters("".join(strip_legal_suffixes(words)))


def _without_invisible_characters(text: str) -> str:
    return "".join(char for char in text if unicodedata.category(char) not in _INVISIBLE_CATEGORIES)


def _fold_look_alikes(text: str) -> str:
    """Each character as the case-folded Latin letter it imitates; accents on ASCII letters dropped."""
    decomposed = unicodedata.normalize("NFD", text)
    folded = "".join(char if _is_mark(char) else latin_look_alike(char) for char in decomposed)
    return unicodedata.normalize("NFC", _without_marks_on_ascii_letters(unicodedata.normalize("NFD", folded)))


def _without_marks_on_ascii_letters(decomposed: str) -> str:
    kept: list[str] = []
    base_is_ascii = False
    for char in decomposed:
        if _is_mark(char):
            if not base_is_ascii:
                kept.append(char)
            continue
        base_is_ascii = char.isascii()
        kept.append(char)
    return "".join(kept)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char) in _MARK_CATEGORIES


def _words(text: str) -> list[str]:
    without_signs = _TYPED_TRADEMARK_SIGNS.sub(" ", text)
    return _WORD.findall(without_signs.translate(_INSIDE_WORD_PUNCTUATION))


def _without_connectors(words: list[str]) -> list[str]:
    return [word for word in words if word not in _CONNECTORS] or words
