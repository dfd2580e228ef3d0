"""Reading and replaying dead letters (``<topic>.dlq``): what ``asinflow dlq`` and the listings API's
``/dead-letters`` routes both do (``deadletter`` writes them)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from asinflow_contracts.envelope import header_dict
from asinflow_contracts.limits import MAX_MESSAGE_BYTES

from asinflow_runtime.deadletter import (
    DLQ_HEADERS,
    H_ERROR,
    H_OFFSET,
    H_PARTITION,
    H_REASON,
    H_SERVICE,
    H_SIZE,
    H_TOPIC,
    H_TRUNCATED,
)


@dataclass(frozen=True)
class Letter:
    dlq_topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]

    @property
    def info(self) -> dict[str, str]:
        return header_dict(self.headers)

    @property
    def ref(self) -> str:
        return f"{self.dlq_topic}:{self.partition}:{self.offset}"

    @property
    def origin(self) -> tuple[str, str, str]:
        """Where the message was first published (topic, partition, offset)."""
        info = self.info
        return (info.get(H_TOPIC, ""), info.get(H_PARTITION, ""), info.get(H_OFFSET, ""))

    def original_headers(self) -> list[tuple[str, bytes]]:
        return [(k, v) for k, v in self.headers if k not in DLQ_HEADERS]

    def as_dict(self) -> dict[str, Any]:
        info = self.info
        return {
            "ref": self.ref,
            "reason": info.get(H_REASON),
            "error": info.get(H_ERROR),
            "service": info.get(H_SERVICE),
            "original_topic": info.get(H_TOPIC),
            "original_partition": int(info.get(H_PARTITION, -1)),
            "original_offset": int(info.get(H_OFFSET, -1)),
            "key": self.key.decode("utf-8", "replace") if self.key else None,
            "value": (self.value or b"").decode("utf-8", "replace")[:2000],
            "truncated": info.get(H_TRUNCATED) == "true",
            "original_size": int(info[H_SIZE]) if H_SIZE in info else len(self.value or b""),
        }

    @property
    def truncated(self) -> bool:
        return self.info.get(H_TRUNCATED) == "true"


async def kept_record(pool: asyncpg.Pool, letter: Letter) -> asyncpg.Record | None:
    """The whole original record of a truncated dead letter, as the dead-lettering service kept it."""
    info = letter.info
    return await pool.fetchrow(
        """SELECT key, value, headers FROM ops.dead_letter_bodies
           WHERE service = $1 AND topic = $2 AND partition = $3 AND "offset" = $4""",
        info.get(H_SERVICE, ""),
        info.get(H_TOPIC, ""),
        int(info.get(H_PARTITION, -1)),
        int(info.get(H_OFFSET, -1)),
    )


def kept_headers(row: asyncpg.Record) -> list[tuple[str, bytes]]:
    headers = row["headers"]
    pairs = json.loads(headers) if isinstance(headers, str) else headers
    return [(k, bytes.fromhex(v)) for k, v in pairs]


async def dead_letter_topics(bootstrap: str) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return sorted(t for t in await admin.list_topics() if t.endswith(".dlq"))
    finally:
        await admin.close()


async def read_letters(bootstrap: str, topic_names: list[str] | None = None) -> list[Letter]:
    """Every message currently on the dead-letter topics (read without a consumer group)."""
    names = topic_names or await dead_letter_topics(bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    letters: list[Letter] = []
    try:
        partitions = [TopicPartition(t, p) for t in names for p in sorted(consumer.partitions_for_topic(t) or [])]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        remaining = {tp for tp in partitions if ends[tp] > 0}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000)
            for tp, records in batch.items():
                letters.extend(
                    Letter(r.topic, r.partition, r.offset, r.key, r.value, list(r.headers or ())) for r in records
                )
                if records and records[-1].offset + 1 >= ends[tp]:
                    remaining.discard(tp)
            if not batch:
                remaining = {tp for tp in remaining if await consumer.position(tp) < ends[tp]}
    finally:
        await consumer.stop()
    return sorted(letters, key=lambda letter: (letter.dlq_topic, letter.partition, letter.offset))


def chosen(
    letters: Sequence[Letter], refs: Collection[str] = (), *, every: bool = False, reason: str | None = None
) -> tuple[list[Letter], list[str]]:
    """The letters to replay (named by ``refs``, all of them with ``every``, or those with ``reason``), each
    original message once (several services may have dead-lettered the same one), and the refs that name no
    letter. Pure."""
    wanted = [x for x in letters if every or x.ref in refs or (reason and x.info.get(H_REASON) == reason)]
    once = list({x.origin: x for x in reversed(wanted)}.values())
    unknown = sorted(set(refs) - {x.ref for x in letters})
    return once, unknown


async def replay(producer: AIOKafkaProducer, pool: asyncpg.Pool, letters: Sequence[Letter]) -> list[str]:
    """Send each letter's original message back to its topic; a truncated letter's whole record comes from
    ``ops.dead_letter_bodies``. Returns the problems of the letters that could not be sent."""
    problems: list[str] = []
    futures = []
    for letter in letters:
        key, value, headers = letter.key, letter.value, letter.original_headers()
        if letter.truncated:
            kept = await kept_record(pool, letter)
            if kept is None:
                problems.append(f"{letter.ref}: the whole record was not kept; only its first bytes are here")
                continue
            key, value, headers = kept["key"], bytes(kept["value"]), kept_headers(kept)
            if len(value) > MAX_MESSAGE_BYTES:
                problems.append(
                    f"{letter.ref}: {len(value):,} bytes, above the {MAX_MESSAGE_BYTES:,}-byte limit; "
                    f"not replayed (`asinflow dlq show {letter.ref} --body` writes it out)"
                )
                continue
        futures.append(await producer.send(letter.info[H_TOPIC], value, key=key, headers=headers))
    await asyncio.gather(*futures)
    return problems
