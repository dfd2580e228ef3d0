"""Pure text normalisers: words, model numbers (explicit or hidden in titles), measures, colours, brands."""

from __future__ import annotations

import re
import unicodedata

# Units that turn a number into a measure ("200w", "1500 hours", "320 gb"), never a model number.
_UNIT_ALIASES = {
    "w": "W", "watt": "W", "watts": "W", "kw": "KW",
    "v": "V", "volt": "V", "volts": "V", "vac": "V", "vdc": "V", "mah": "MAH", "ah": "AH",
    "a": "A", "amp": "A", "amps": "A",
    "kb": "KB", "mb": "MB", "gb": "GB", "tb": "TB", "mbps": "MBPS", "gbps": "GBPS", "bit": "BIT",
    "hz": "HZ", "khz": "KHZ", "mhz": "MHZ", "ghz": "GHZ", "rpm": "RPM", "fps": "FPS", "ppm": "PPM",
    "dpi": "DPI", "mp": "MP", "megapixel": "MP", "megapixels": "MP", "x": "X", "p": "P", "k": "K",
    "mm": "MM", "cm": "CM", "m": "M", "nm": "NM", "in": "IN", "inch": "IN", "inches": "IN",
    "ft": "FT", "feet": "FT", "foot": "FT", "yd": "YD", "meter": "M", "meters": "M",
    "oz": "OZ", "lb": "LB", "lbs": "LB", "g": "G", "kg": "KG", "mg": "MG", "ml": "ML", "l": "L",
    "qt": "QT", "gal": "GAL", "cu": "CU", "btu": "BTU", "db": "DB", "ohm": "OHM", "ohms": "OHM",
    "lumens": "LM", "lm": "LM", "awg": "AWG", "gauge": "AWG",
    "s": "S", "sec": "S", "ms": "MS", "min": "MIN", "mins": "MIN", "minute": "MIN", "minutes": "MIN",
    "hr": "H", "hrs": "H", "hour": "H", "hours": "H", "h": "H", "day": "DAY", "days": "DAY",
    "yr": "YR", "year": "YR", "years": "YR",
    "pk": "PK", "pack": "PK", "pc": "PC", "pcs": "PC", "piece": "PC", "pieces": "PC", "ct": "CT",
    "count": "CT", "sheets": "SHEET", "sheet": "SHEET", "pages": "PAGE", "page": "PAGE",
    "port": "PORT", "ports": "PORT", "ch": "CH", "channel": "CH", "channels": "CH",
    "user": "USER", "users": "USER", "cup": "CUP", "cups": "CUP", "way": "WAY", "speed": "SPEED",
    "st": "ORD", "nd": "ORD", "rd": "ORD", "th": "ORD", "d": "D", "c": "C", "f": "F",
}  # fmt: skip
# re.ASCII everywhere: \d is 0-9 only, never "²" or Arabic-Indic digits.
_UNITS = "|".join(sorted(_UNIT_ALIASES, key=len, reverse=True))
_MEASURE_TOKEN = re.compile(rf"(\d+(?:\.\d+)?)({_UNITS})", re.ASCII)
_MEASURE_IN_TEXT = re.compile(rf"(?<![a-z0-9.])(\d+(?:\.\d+)?)(\s*-?\s*)({_UNITS})(?![a-z0-9])", re.ASCII)
_DIMENSIONS = re.compile(r"\d+(?:\.\d+)?x\d+(?:\.\d+)?(?:x\d+(?:\.\d+)?)?", re.ASCII)
_WORD = re.compile(r"\d+(?:\.\d+)+|[a-z0-9]+", re.ASCII)
_DIGIT = re.compile(r"[0-9]")
_NUMERIC = re.compile(r"\d+(?:\.\d+)?", re.ASCII)
_RAW_TOKEN_SPLIT = re.compile(r"[\s,;:()\[\]{}\"'!?*&+|#@<>=~`]+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_LEGAL_SUFFIXES = frozenset({
    "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "plc",
    "gmbh", "ag", "sa", "srl", "bv", "nv", "kk", "oy", "ab",
})  # fmt: skip

COLOURS = {
    "black": "black", "white": "white", "silver": "silver", "red": "red", "blue": "blue",
    "green": "green", "yellow": "yellow", "pink": "pink", "purple": "purple", "violet": "purple",
    "orange": "orange", "gray": "gray", "grey": "gray", "brown": "brown", "gold": "gold",
    "beige": "beige", "tan": "beige", "clear": "clear", "ivory": "ivory", "navy": "navy",
    "teal": "teal", "bronze": "bronze", "chrome": "chrome", "cyan": "cyan", "magenta": "magenta",
    "graphite": "graphite", "charcoal": "charcoal", "titanium": "titanium", "platinum": "platinum",
}  # fmt: skip

MIN_CODE_LENGTH = 4  # "h890" is a model number, "cs3" and "mp3" are not
MIN_DIGIT_CODE_LENGTH = 5  # digits alone are a model number from 5 on ("97185"), not "2007"


def fold(text: str) -> str:
    """NFKC, case-fold and turn non-breaking spaces into spaces."""
    return unicodedata.normalize("NFKC", text).casefold()


def words(text: str) -> list[str]:
    """Lower-case word tokens; decimals stay whole ("usb 3.0" -> ["usb", "3.0"])."""
    return _WORD.findall(fold(text))


def squash(text: str) -> str:
    """Only ASCII letters and digits, upper-case: "108 r00645" -> "108R00645"."""
    return _NOT_ALNUM.sub("", fold(text)).upper()


def normalise_model_number(text: str) -> str:
    """Upper-case alphanumerics of a model or part number: "xav5001-100nas" -> "XAV5001100NAS"."""
    return squash(text)


def has_digit(text: str) -> bool:
    """An ASCII digit anywhere (not "²" or other Unicode digits)."""
    return _DIGIT.search(text) is not None


def is_measure(token: str) -> bool:
    """A number with a unit ("200w", "1.5tb", "4th", "3-way") or dimensions ("4x6")."""
    compact = fold(token).replace("-", "").replace(" ", "")
    return bool(_MEASURE_TOKEN.fullmatch(compact) or _DIMENSIONS.fullmatch(compact))


def model_numbers_in(title: str) -> list[str]:
    """Model-number-like tokens hidden in a title, normalised, in order of appearance.

    A token counts when it mixes letters and digits and has at least 4 alphanumerics, or is digits
    alone (from 5 on, not a fraction such as "10/100"); measures ("200w", "1500 hours") and decimals
    never count.
    """
    raw = [t.strip(".-/_") for t in _RAW_TOKEN_SPLIT.split(fold(title))]
    raw = [t for t in raw if t]
    found: list[str] = []
    for i, token in enumerate(raw):
        if "." in token or not has_digit(token):
            continue
        code = squash(token)
        if not code.isascii() or is_measure(token):
            continue
        if code.isdigit():
            if "/" in token or len(code) < MIN_DIGIT_CODE_LENGTH:
                continue
            following = raw[i + 1] if i + 1 < len(raw) else ""
            if following in _UNIT_ALIASES:  # "1500 hours"
                continue
        elif len(code) < MIN_CODE_LENGTH:
            continue
        if code not in found:
            found.append(code)
    return found


def measures_in(text: str) -> frozenset[str]:
    """Numbers with units, unit-normalised: "1 tb usb 3.0 drive, 200w" -> {"1TB", "200W"}."""
    out = set()
    for number, separator, unit in _MEASURE_IN_TEXT.findall(fold(text)):
        if separator and len(unit) == 1:  # "5 d", "4 x 6": a lone letter is not a unit
            continue
        out.add(f"{_clean_number(number)}{_UNIT_ALIASES[unit]}")
    return frozenset(out)


def numbers_in(text: str) -> frozenset[str]:
    """Stand-alone numbers and the numbers of measures ("2.0" and "2" are the same number)."""
    folded = fold(text)
    out = {_clean_number(w) for w in _WORD.findall(folded) if _NUMERIC.fullmatch(w)}
    out.update(_clean_number(number) for number, _, _ in _MEASURE_IN_TEXT.findall(folded))
    return frozenset(out)


def colours_in(text: str) -> frozenset[str]:
    return frozenset(COLOURS[w] for w in words(text) if w in COLOURS)


def normalise_brand(text: str) -> str:
    """Case, accents, punctuation and legal suffixes removed: "Sony Corp." -> "sony"."""
    decomposed = unicodedata.normalize("NFKD", fold(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    tokens = _NOT_ALNUM.sub(" ", plain.replace("&", " and ").replace(".", "")).split()
    while len(tokens) > 1 and tokens[-1] in _LEGAL_SUFFIXES:
        tokens.pop()
    return " ".join(tokens)


def _clean_number(number: str) -> str:
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    return number.lstrip("0") or "0"
