"""Key tokens: random, shown once, stored as a SHA-256 digest.

Why SHA-256 and not bcrypt/scrypt/argon2: slow, salted hashes protect *passwords*, which people choose from a
small space an attacker can enumerate offline. A token here is 256 bits from ``secrets`` (the OS CSPRNG): with
the digests in hand, finding a token still means trying 2^255 of them on average, whatever the hash costs. A
fast unsalted digest keeps the properties that matter (a leaked table reveals no usable key) and lets the API
find a key by an indexed equality lookup on every request, instead of spending ~100 ms of CPU per request on a
deliberately slow hash.
"""

from __future__ import annotations

import hashlib
import re
import secrets

#: Every token starts with this, so a leaked key is recognisable (secret scanners, logs).
PREFIX = "afk_"
#: 32 random bytes, URL-safe base64 without padding (43 characters).
TOKEN_BYTES = 32
_TOKEN = re.compile(rf"^{PREFIX}[A-Za-z0-9_-]{{43}}$")


def new_token() -> str:
    """A fresh key: ``afk_`` + 256 random bits."""
    return PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    """What is stored and looked up: the token's SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def well_formed(token: str) -> bool:
    """Whether ``token`` could be a key at all (checked before any lookup)."""
    return bool(_TOKEN.match(token))


def key_id_of(token: str) -> str:
    """A short public name of the key (for listings, revocation and logs), derived from its digest: it
    identifies the key without revealing it."""
    return "key_" + digest(token)[:12]
