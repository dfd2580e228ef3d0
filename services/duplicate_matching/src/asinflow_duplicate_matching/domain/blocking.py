"""What a proposal is looked up by in the catalog index (pure): its brand + model/part numbers, and the title
words that are rare where it is looked for.

An item is indexed under *keys*: each word of its title (found by proposals without a brand) and, when it has a
brand, ``brand_key:word`` (found by proposals of that brand). The index counts the items of every key. A
proposal's title is looked up by its rarest keys only, taken while the items they name stay within
``READ_BUDGET``: common words ("portable", "speaker") would otherwise make a lookup read a large part of the
catalog, or of a large brand. When even the rarest key names more items than the budget, the proposal is looked up
by the items that have *both* of its two rarest keys. Either way at most ``READ_BUDGET`` items are read per
proposal, then ranked by how many of the proposal's title words they share.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

#: candidates returned per proposal: model/part-number hits first, then the items sharing most title words
BLOCK_LIMIT = 50
#: items a proposal's title lookup reads at most (and the sum of the counts of the keys it is looked up by)
READ_BUDGET = 1_000
#: A key's count stops growing here: above it a key is only ever "common", and not updating the rows of the most
#: common words (one a new item, steadily) keeps them free of the dead row versions that slowed their lookups.
COUNT_CAP = 10 * READ_BUDGET
#: keys a title is looked up by at most
MAX_KEYS = 16
#: keys an item must all have when every key of the title is too common on its own
CONJUNCTION = 2


@dataclass(frozen=True)
class BlockingQuery:
    """One proposal's lookup: ``brand_key`` ('' when the brand has no letters or digits), its model and part
    number keys, and its title words (``candidates.tokens``, distinct)."""

    brand_key: str
    model_keys: tuple[str, ...]
    words: tuple[str, ...]


@dataclass(frozen=True)
class TitleKeys:
    """The keys a title is looked up by; ``all_required``: an item must have every one (else any one)."""

    keys: tuple[str, ...]
    all_required: bool = False


def qualified(brand_key: str, words: Iterable[str]) -> list[str]:
    """The keys of ``words`` within a brand (plain words when there is no brand: the whole catalog)."""
    return [f"{brand_key}:{w}" for w in words] if brand_key else list(words)


def item_keys(brand_key: str, words: Sequence[str]) -> list[str]:
    """The keys an item is indexed under: its words for the whole catalog, and within its brand."""
    return [*words, *qualified(brand_key, words)] if brand_key else list(words)


def title_keys(query: BlockingQuery, counts: Mapping[str, int]) -> TitleKeys:
    """The rarest keys of the proposal's title (``counts``: items per key; a key not counted names no item)."""
    counted = sorted((counts[k], k) for k in set(qualified(query.brand_key, query.words)) if counts.get(k, 0) > 0)
    if not counted:
        return TitleKeys(())
    if counted[0][0] > READ_BUDGET and len(counted) >= CONJUNCTION:
        return TitleKeys(tuple(k for _, k in counted[:CONJUNCTION]), all_required=True)
    chosen: list[str] = []
    total = 0
    for n, k in counted:
        if chosen and (total + n > READ_BUDGET or len(chosen) == MAX_KEYS):
            break
        chosen.append(k)
        total += n
    return TitleKeys(tuple(chosen))
