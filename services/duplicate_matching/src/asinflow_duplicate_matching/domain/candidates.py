"""Catalog items as the matcher indexes them, and the blocking keys of a proposal (pure)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_WORD = re.compile(r"[0-9a-z]+")
#: words too common to block on: they would fetch a large part of any catalog
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "for",
        "with",
        "of",
        "in",
        "on",
        "to",
        "by",
        "from",
        "at",
        "or",
        "new",
        "black",
        "white",
        "blue",
        "red",
        "green",
        "grey",
        "gray",
        "silver",
        "pack",
        "set",
        "inch",
        "in",
        "cm",
        "mm",
        "ml",
        "oz",
        "lb",
        "kg",
        "g",
        "w",
        "v",
        "usb",
        "hd",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "x",
    ]
)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text or "").casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def key(text: str | None) -> str:
    """Comparison key of a brand, model or part number: case, accents, spaces and punctuation dropped."""
    return "".join(ch for ch in fold(text or "") if ch.isalnum())


def tokens(title: str) -> list[str]:
    """Blocking tokens of a title: distinct words that are not stopwords, longest (rarest) first."""
    seen = dict.fromkeys(w for w in _WORD.findall(fold(title)) if w not in STOPWORDS and len(w) > 1)
    return sorted(seen, key=lambda w: (-len(w), w))


@dataclass(frozen=True)
class IndexedItem:
    asin: str
    brand: str
    title: str
    category: str
    model_number: str
    part_number: str
    gtin14s: tuple[str, ...]
    is_child: bool = False

    @property
    def exempt(self) -> bool:
        """Created without a GTIN (under an exemption)."""
        return not self.gtin14s
