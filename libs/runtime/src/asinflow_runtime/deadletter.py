"""Dead letters: ``<topic>.dlq`` with the original key, value and headers plus the reason (DESIGN §3)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer
from asinflow_contracts.topics import dead_letter_topic

#: Headers added to a dead letter; the original headers are kept beside them.
H_REASON = "dlq_reason"
H_ERROR = "dlq_error"
H_TOPIC = "dlq_original_topic"
H_PARTITION = "dlq_original_partition"
H_OFFSET = "dlq_original_offset"
H_SERVICE = "dlq_service"
DLQ_HEADERS = (H_REASON, H_ERROR, H_TOPIC, H_PARTITION, H_OFFSET, H_SERVICE)


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

    def dlq_headers(self, service: str) -> list[tuple[str, bytes]]:
        own = [(k, v) for k, v in self.headers if k not in DLQ_HEADERS]
        return [
            *own,
            (H_REASON, self.reason.encode()),
            (H_ERROR, self.error[:2000].encode()),
            (H_TOPIC, self.topic.encode()),
            (H_PARTITION, str(self.partition).encode()),
            (H_OFFSET, str(self.offset).encode()),
            (H_SERVICE, service.encode()),
        ]


async def publish_dead_letters(producer: AIOKafkaProducer, service: str, letters: Sequence[DeadLetter]) -> None:
    """Publish and wait until the broker has them all: only then may the offsets be committed."""
    futures = [
        await producer.send(
            dead_letter_topic(letter.topic), letter.value, key=letter.key, headers=letter.dlq_headers(service)
        )
        for letter in letters
    ]
    await asyncio.gather(*futures)
