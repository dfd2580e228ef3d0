"""Model numbers and model-like words in titles: is a child the same model as its parent? (pure)

Used by the variation rules (rule 4): a newer or different model is a product of its own, not a variant.
"""

from __future__ import annotations

import re
import unicodedata

#: units after a number make it a measure or a count, not a model: "500 ml", "128GB", "6 pack", "2 x".
_UNITS = frozenset(
    {"mm", "cm", "m", "in", "inch", "inches", "ft"}  # length
    | {"ml", "cl", "l", "ltr", "g", "mg", "kg", "oz", "lb", "lbs"}  # volume and weight
    | {"gb", "tb", "mb", "mah", "w", "kw", "v", "hz", "khz", "mhz", "ghz", "h", "hr", "hrs", "hours"}  # technical
    | {"pack", "packs", "pk", "pcs", "pc", "pieces", "count", "ct", "x"}  # counts
)
_COUNT_NOUNS = frozenset({"pack", "set", "case", "box", "bundle"})
TOKEN = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_GLUED_UNIT = re.compile(r"\d+(?:[.,]\d+)?-?([^\W\d_]+)")
_TIMES = re.compile(r"x\d+|\d+x|\d+(?:x\d+)+")
_RUN = re.compile(r"\d+|[^\W\d_]+")


def model_key(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).upper() if ch.isalnum())


def same_model(a: str, b: str) -> bool:
    """Equal model keys, or one is the other plus a variant suffix of ≤ 4 characters (``WH100`` / ``WH100BK``)."""
    short, long = sorted((a, b), key=len)
    return a == b or (len(short) >= 3 and long.startswith(short) and len(long) - len(short) <= 4)


def other_model(parent: str, child: str, theme_values: frozenset[str]) -> bool:
    """Letter runs agree but a number differs (WH100/WH200, S21/S22, IPHONE13/IPHONE14BK); conservative: at least
    one letter run must agree, and a number that is one of the child's theme values (a size) does not count."""
    p, c = _RUN.findall(parent), _RUN.findall(child)
    k = min(len(p), len(c))
    if sum(map(len, (p if len(p) > k else c)[k:])) > 4:
        return False
    pairs = list(zip(p[:k], c[:k], strict=True))
    if any(x.isdecimal() != y.isdecimal() or (not x.isdecimal() and x != y) for x, y in pairs):
        return False
    differing = [y for x, y in pairs if x.isdecimal() and int(x) != int(y)]
    has_letters = any(not x.isdecimal() for x, _ in pairs)
    return has_letters and any(d not in theme_values for d in differing)


def model_tokens(title: str, theme_values: frozenset[str]) -> dict[str, str]:
    """Model-like words of a title (key -> as written): words with letters and digits, or whole numbers of ≥ 2 digits,
    leaving out measures and counts (``500 ml``, ``128GB``, ``Pack of 12``, ``2x``) and the theme values."""
    matches = list(TOKEN.finditer(title))
    words = [m.group().casefold() for m in matches]
    groups: list[list[int]] = []
    for i, m in enumerate(matches):
        joined = i > 0 and title[matches[i - 1].end() : m.start()] in ("", "-", "/")
        if joined:
            groups[-1].append(i)
        else:
            groups.append([i])

    def is_measure(i: int) -> bool:
        word = words[i]
        glued = _GLUED_UNIT.fullmatch(word)
        if (glued and glued.group(1) in _UNITS) or _TIMES.fullmatch(word):
            return True
        if not _NUMBER.fullmatch(word):
            return False
        after = title[matches[i].end() :].lstrip()
        return (
            (i + 1 < len(words) and words[i + 1] in _UNITS)
            or after.startswith("%")
            or (i >= 2 and words[i - 1] == "of" and words[i - 2] in _COUNT_NOUNS)
        )

    tokens: dict[str, str] = {}
    for group in groups:
        kept = [words[i] for i in group if not is_measure(i) and model_key(words[i]) not in theme_values]
        key = model_key("".join(kept))
        has_letter = any(ch.isalpha() for ch in key)
        has_digit = any(ch.isdecimal() for ch in key)
        single_number = len(kept) == 1 and kept[0].isdecimal() and len(kept[0]) >= 2
        if (has_letter and has_digit) or single_number:
            # a bare number is shown with the word before it: "iPhone 13", not "13"
            first = group[0] - 1 if single_number and group[0] > 0 else group[0]
            tokens.setdefault(key, title[matches[first].start() : matches[group[-1]].end()])
    return tokens
