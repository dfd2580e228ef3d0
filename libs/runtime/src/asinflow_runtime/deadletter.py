"""Dead letters: ``<topic>.dlq`` with the original key, value and headers plus the reason (DESIGN §3).

A dead letter must always be publishable, or it would wedge its consumer: one too large for the producer
(``MAX_MESSAGE_BYTES``) is published truncated — the first ``DEAD_LETTER_PREVIEW_BYTES`` of the body, with
its size and SHA-256 — and the whole record is kept in ``ops.dead_letter_bodies`` first, where ``asinflow
dlq`` finds it by that hash.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace

import asyncpg
from aiokafka import AIOKafkaProducer
from asinflow_contracts.limits import DEAD_LETTER_PREVIEW_BYTES, MAX_MESSAGE_BYTES
from asinflow_contracts.topics import dead_letter_topic

#: Headers added to a dead letter; the original headers are kept beside them.
H_REASON = "dlq_reason"
H_ERROR = "dlq_error"
H_TOPIC = "dlq_original_topic"
H_PARTITION = "dlq_original_partition"
H_OFFSET = "dlq_original_offset"
H_SERVICE = "dlq_service"
#: Only on a truncated dead letter: the original body's size and SHA-256 (hex), the key of its stored copy.
H_SIZE = "dlq_original_size"
H_SHA256 = "dlq_original_sha256"
H_TRUNCATED = "dlq_truncated"
DLQ_HEADERS = (H_REASON, H_ERROR, H_TOPIC, H_PARTITION, H_OFFSET, H_SERVICE, H_SIZE, H_SHA256, H_TRUNCATED)

#: Room left for the dead-letter headers and the record's framing.
_HEADROOM = 16_384
#: Original headers kept in a truncated dead letter, at most this many bytes in all.
_KEPT_HEADER_BYTES = 8_192


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]
    reason: str
    error: str
    truncated_from: tuple[int, str] | None = None  # (size, sha256) of the original when truncated

    @property
    def size(self) -> int:
        headers = sum(len(k) + len(v or b"") for k, v in self.headers)
        return len(self.value or b"") + len(self.key or b"") + headers + len(self.error)

    def fits(self) -> bool:
        return self.size <= MAX_MESSAGE_BYTES - _HEADROOM

    def truncated(self) -> DeadLetter:
        """The publishable form of a letter too large to publish whole."""
        body = self.value or b""
        kept: list[tuple[str, bytes]] = []
        room = _KEPT_HEADER_BYTES
        for key, value in self.headers:
            cost = len(key) + len(value or b"")
            if cost <= room:
                kept.append((key, value))
                room -= cost
        return replace(
            self,
            key=(self.key or b"")[:1024] or None,
            value=body[:DEAD_LETTER_PREVIEW_BYTES],
            headers=kept,
            truncated_from=(self.size, hashlib.sha256(body).hexdigest()),
        )

    def dlq_headers(self, service: str) -> list[tuple[str, bytes]]:
        own = [(k, v) for k, v in self.headers if k not in DLQ_HEADERS]
        extra: list[tuple[str, bytes]] = []
        if self.truncated_from is not None:
            size, digest = self.truncated_from
            extra = [(H_SIZE, str(size).encode()), (H_SHA256, digest.encode()), (H_TRUNCATED, b"true")]
        return [
            *own,
            (H_REASON, self.reason.encode()),
            (H_ERROR, self.error[:2000].encode("utf-8", "replace")),
            (H_TOPIC, self.topic.encode()),
            (H_PARTITION, str(self.partition).encode()),
            (H_OFFSET, str(self.offset).encode()),
            (H_SERVICE, service.encode()),
            *extra,
        ]


async def keep_bodies(pool: asyncpg.Pool, service: str, letters: Sequence[DeadLetter]) -> None:
    """Store the whole record of each letter (before its truncated form is published)."""
    if not letters:
        return
    await pool.executemany(
        """INSERT INTO ops.dead_letter_bodies (sha256, service, topic, partition, "offset", size, key, value, headers,
               reason, error)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)
           ON CONFLICT (service, topic, partition, "offset") DO NOTHING""",
        [
            (
                hashlib.sha256(letter.value or b"").hexdigest(),
                service,
                letter.topic,
                letter.partition,
                letter.offset,
                letter.size,
                letter.key,
                letter.value or b"",
                json.dumps([[k, (v or b"").hex()] for k, v in letter.headers]),
                letter.reason,
                letter.error[:2000],
            )
            for letter in letters
        ],
    )


async def publish_dead_letters(
    producer: AIOKafkaProducer, service: str, letters: Sequence[DeadLetter], pool: asyncpg.Pool | None = None
) -> None:
    """Publish and wait until the broker has them all: only then may the offsets be committed. Letters too
    large to publish are kept whole in PostgreSQL (``pool``) and published truncated."""
    oversized = [letter for letter in letters if not letter.fits()]
    if oversized:
        if pool is None:
            raise ValueError("a pool is needed to keep oversized dead letters")
        await keep_bodies(pool, service, oversized)
    ready = [letter if letter.fits() else letter.truncated() for letter in letters]
    futures = [
        await producer.send(
            dead_letter_topic(letter.topic), letter.value, key=letter.key, headers=letter.dlq_headers(service)
        )
        for letter in ready
    ]
    await asyncio.gather(*futures)
