"""Kafka plumbing: topic creation and the producer the outbox relay and dead-lettering use."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from asinflow_contracts.limits import MAX_MESSAGE_BYTES
from asinflow_contracts.topics import dead_letter_topic

_log = logging.getLogger(__name__)

DEFAULT_PARTITIONS = 4


async def ensure_topics(
    bootstrap_servers: str,
    names: Iterable[str],
    *,
    partitions: int = DEFAULT_PARTITIONS,
    with_dlq: bool = True,
) -> None:
    """Create the topics (and their dead-letter topics) that do not exist yet."""
    wanted = set(names)
    if with_dlq:
        wanted |= {dead_letter_topic(name) for name in wanted if not name.endswith(".dlq")}
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = sorted(wanted - existing)
        if not missing:
            return
        with contextlib.suppress(TopicAlreadyExistsError):  # another process created them meanwhile
            await admin.create_topics(
                [NewTopic(name, num_partitions=partitions, replication_factor=1) for name in missing]
            )
        _log.info("created topics %s", missing)
    finally:
        await admin.close()


def new_producer(bootstrap_servers: str) -> AIOKafkaProducer:
    """A producer that waits for the broker's acknowledgement; idempotence is not available on the embedded
    broker, so duplicates are removed by consumers (deterministic event ids), see DESIGN §3. It sends nothing
    above ``MAX_MESSAGE_BYTES`` (Kafka's ``message.max.bytes`` in docker-compose.yml is aligned with it)."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        max_request_size=MAX_MESSAGE_BYTES,
        acks="all",
        linger_ms=5,
        max_batch_size=256 * 1024,
        enable_idempotence=False,
        request_timeout_ms=30_000,
    )
