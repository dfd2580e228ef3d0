"""Look-alike spellings of a registered brand (each must be gated like the brand itself) and genuinely
different brands (none may be). Written out by hand, one trick or a mix of tricks per line."""

from __future__ import annotations

REGISTERED = "Castello Pioneer"

LOOK_ALIKES: tuple[str, ...] = (
    # case, spacing, punctuation
    "CASTELLO PIONEER",
    "castello pioneer",
    "cAsTeLlO pIoNeEr",
    "CastelloPioneer",
    "Castello  Pioneer",
    " Castello Pioneer ",
    "Castello\tPioneer",
    "C a s t e l l o   P i o n e e r",
    "Castello-Pioneer",
    "Castello_Pioneer",
    "Castello.Pioneer",
    "C.A.S.T.E.L.L.O. Pioneer",
    "Castello Pioneer®",
    "Castello Pioneer™",
    "'Castello' \"Pioneer\"",
    # legal suffixes
    "Castello Pioneer Inc.",
    "Castello Pioneer, Inc",
    "Castello Pioneer Ltd",
    "Castello Pioneer Ltd.",
    "Castello Pioneer Limited",
    "Castello Pioneer GmbH",
    "Castello Pioneer GmbH & Co. KG",
    "Castello Pioneer B.V.",
    "Castello Pioneer Corp.",
    "Castello Pioneer Corporation",
    "Castello Pioneer Co.",
    "Castello Pioneer LLC",
    "Castello Pioneer S.A.",
    "Castello Pioneer AG",
    "Castello Pioneer PLC",
    # Cyrillic look-alikes
    "Саstello Pioneer",  # С
    "Cаstello Pioneer",  # а
    "Caѕtello Pioneer",  # ѕ
    "Castеllo Pioneer",  # е
    "Castellо Pioneer",  # о
    "Castello Рioneer",  # Р
    "Castello Pіoneer",  # і
    "Castello Pionееr",  # е е
    "Саѕtеllо Ріоnееr",  # every letter that has a Cyrillic twin
    # Greek look-alikes
    "Castellο Pioneer",  # ο
    "Cαstello Pioneer",  # α
    "Castello Pιoneer",  # ι
    "Castello Piοneer",  # ο
    # full-width
    "Ｃａｓｔｅｌｌｏ Ｐｉｏｎｅｅｒ",
    "ＣＡＳＴＥＬＬＯ ＰＩＯＮＥＥＲ",
    "Castello Ｐioneer",
    # invisible characters
    "Cas\u200btello Pioneer",
    "Castel\u200clo Pioneer",
    "Castello\u200d Pioneer",
    "\ufeffCastello Pioneer",
    "Castello Pio\u2060neer",
    "Cast\u00adello Pioneer",
    # accents
    "Castélló Pioneer",
    "Càstello Piöneer",
    "Castello Pionéér",
    "Castello Pione\u0301er",
    # digits for letters
    "Caste11o Pioneer",
    "Castel1o Pioneer",
    "Castell0 Pi0neer",
    "CASTELL0 PIONEER",
    # mixed tricks
    "Ｃаѕtеllо Рioneer Inc.",
    "castello\u200bpioneer gmbh",
    "CASTÉLL0-PIONEER, LTD.",
)

#: Brands that are not "Castello Pioneer" (some are one or two edits from it: those pass, flagged for review).
DIFFERENT_BRANDS: tuple[str, ...] = (
    "Castello",
    "Pioneer",
    "Pioneer Castello",
    "Castello Explorer",
    "Castle Pioneer",
    "Costello Pioneer",
    "Castelli Pioneer",
    "Bastello Pioneer",
    "Castello Pioneers Club",
    "Nordic Oats",
    "Marigold Home",
    "Zephyr Outdoor",
    "Kestrel Optics",
    "Sonos",
    "Bosch",
    "Nikon",
    "Logitech",
    "Brightwater Tea",
    "Loom & Larder",
    "Uji Tea Works",
)


def look_alikes(brand: str) -> list[str]:
    """The look-alike spellings of ``brand`` (written for ``REGISTERED``)."""
    assert brand == REGISTERED, "the spellings are written for one brand"
    return list(LOOK_ALIKES)
