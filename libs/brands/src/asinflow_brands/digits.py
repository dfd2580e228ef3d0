"""Digits written in place of letters: "S0ny", "L0gitech", "App1e", "G00gle".

"0" looks like "o" and "1" looks like "l" (both are TR39 confusables). They are read as letters only where they
stand *inside* a word: a run of one or two of them with a letter right before and right after it, in the key
once spaces and punctuation are gone. Everything else stays a digit, so that

- "3M", "7-Eleven", "Levi's 501", "1-800-Flowers" and "Windows 10" keep their numbers: "501" and "1800" are
  runs that contain other digits, and "10" at the end of "windows10" has no letter after it;
- "B100M" (a run of three) stays apart from "Bloom".

Other "leet" digits (3 for e, 5 for s, 4 for a, 7 for t, 8 for b) are not visual confusables, and reading them
as letters would merge real brands with numbers in them, so they stay digits. A spelling like "5ony" or "1ogitech"
(a digit at the edge of a word) is one edit from the brand and so is flagged as a near miss instead.

Capital "I" written as "1" or "l" ("N1KE", "NlKE") is not gated either: after case folding that would need
"i" ≡ "l", which merges real brands such as "Bali" and "Ball". Those spellings are one edit away and flagged.
"""

from __future__ import annotations

import re

_LETTER_FOR_DIGIT = str.maketrans({"0": "o", "1": "l"})
_DIGITS_INSIDE_A_WORD = re.compile(r"(?<=[a-z])[01]{1,2}(?=[a-z])")


def read_digits_as_letters(key: str) -> str:
    """``key`` (``[a-z0-9]*``) with each "0"/"1" run of length 1–2 between two letters read as "o"/"l"."""
    return _DIGITS_INSIDE_A_WORD.sub(lambda run: run.group().translate(_LETTER_FOR_DIGIT), key)
