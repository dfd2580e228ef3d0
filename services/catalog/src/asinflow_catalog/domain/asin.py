"""ASINs: ``B0`` followed by 8 upper-case alphanumerics, minted deterministically per listing version.

Minting the same listing version again gives the same ASIN (idempotent); ``attempt`` moves to the next
candidate when a candidate is already taken, so an ASIN is never given to two items (nor reused).
"""

from __future__ import annotations

import hashlib
import re
import uuid

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PATTERN = re.compile(r"^B0[0-9A-Z]{8}$")


def candidate(seed: uuid.UUID, attempt: int = 0) -> str:
    """The ``attempt``-th candidate ASIN for the listing version ``seed``."""
    number = int.from_bytes(hashlib.sha256(f"{seed}:{attempt}".encode()).digest()[:8], "big")
    chars = []
    for _ in range(8):
        number, digit = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[digit])
    return "B0" + "".join(chars)


def is_asin(value: str) -> bool:
    return bool(PATTERN.fullmatch(value))
