"""Our own fault vs the sender's, on the real stack (issue 10): a handler that raises on valid input stops its
consumer without acknowledging or dead-lettering and resumes after the fix; one poison message among good
ones is dead-lettered; a record too large to re-publish is dead-lettered truncated with its body kept; an
outbox row the broker refuses is skipped and reported, and the relay goes on."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from asinflow_cli.dlq import read_letters
from asinflow_contracts.envelope import Envelope, header_dict
from asinflow_contracts.topics import dead_letter_topic
from asinflow_runtime.intake import Received
from asinflow_runtime.kafka import ensure_topics
from asinflow_runtime.messages import Incoming, Outgoing, Unreadable
from asinflow_runtime.outbox import Outbox, OutboxRelay
from asinflow_runtime.service import ServiceRuntime, ServiceSpec
from asinflow_runtime.settings import ConsumerSettings

from tests.support.cli import asinflow
from tests.support.listings import wait_for

pytestmark = pytest.mark.integration


@dataclass
class DoubleHandler:
    """A test double: applies ``{"n": …}`` messages by recording them; raises while ``broken``, and always on
    a message with ``"poison": true``."""

    broken: bool = False
    applied: list[int] = field(default_factory=list)
    calls: int = 0

    def parse(self, received: Received) -> Incoming:
        if not isinstance(received.data, dict) or not isinstance(received.data.get("n"), int):
            raise Unreadable("schema_invalid", "expected {n: int}")
        return Incoming(received.record, received.envelope, received.data)

    async def apply(self, conn: asyncpg.Connection, items: list[Incoming]) -> list[Outgoing]:
        self.calls += 1
        if self.broken:
            raise RuntimeError('column "n" does not exist (a bad deploy)')
        if any(i.body.get("poison") for i in items):
            raise ZeroDivisionError("a bug that this one message triggers")
        self.applied.extend(i.body["n"] for i in items)
        return []


async def start_double(infra: Any, handler: DoubleHandler, **settings: Any) -> tuple[ServiceRuntime, str]:
    topic = f"asinflow.test-{uuid.uuid4().hex[:8]}.v1"
    name = f"double-{uuid.uuid4().hex[:6]}"
    spec = ServiceSpec(name=name, schema=name.replace("-", "_"), consumes=(topic,), make_handler=lambda _: handler)
    consumer = ConsumerSettings(fetch_max_wait_ms=50, retry_initial_s=0.1, halt_retry_max_s=0.5, **settings)
    runtime = ServiceRuntime(spec, infra, consumer)
    await ensure_topics(infra.kafka_bootstrap_servers, [topic])
    await runtime.start()
    return runtime, topic


async def send(producer: AIOKafkaProducer, topic: str, bodies: list[dict[str, Any]], key: bytes = b"k") -> None:
    futures = []
    for body in bodies:
        envelope = Envelope(id=uuid.uuid4(), type=topic, source="/tests")
        futures.append(await producer.send(topic, json.dumps(body).encode(), key=key, headers=envelope.to_headers()))
    await asyncio.gather(*futures)


async def until(predicate: Any, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def dead_letters(infra: Any, topic: str) -> list[Any]:
    return await read_letters(infra.kafka_bootstrap_servers, [dead_letter_topic(topic)])


async def test_a_handler_that_raises_on_valid_input_stops_its_consumer_and_resumes_after_the_fix(
    infra, producer, pool
) -> None:
    handler = DoubleHandler(broken=True)
    runtime, topic = await start_double(infra, handler)
    try:
        await send(producer, topic, [{"n": i} for i in range(10)])
        await until(lambda: runtime.not_ready_reason() is not None and handler.calls >= 3)
        reason = runtime.not_ready_reason()
        assert reason is not None and "consumer stopped" in reason and "bad deploy" in reason
        beat = await wait_for(
            pool,
            "SELECT reason FROM ops.service_heartbeat WHERE service = $1 AND NOT ready",
            runtime.spec.name,
            timeout=10,
        )
        assert "consumer stopped" in beat
        assert handler.applied == []
        assert await dead_letters(infra, topic) == []  # nothing dead-lettered: the messages are fine

        handler.broken = False  # the fix
        await until(lambda: sorted(handler.applied) == list(range(10)))
        await until(lambda: runtime.not_ready_reason() is None)
        await asyncio.sleep(0.5)
        assert sorted(handler.applied) == list(range(10))  # each once
        assert await dead_letters(infra, topic) == []
        assert runtime.counters.halts >= 1
    finally:
        await runtime.stop()


async def test_one_poison_message_among_good_ones_is_dead_lettered_and_the_rest_applied(infra, producer) -> None:
    handler = DoubleHandler()
    runtime, topic = await start_double(infra, handler)
    try:
        await send(producer, topic, [*({"n": i} for i in range(5)), {"n": 99, "poison": True}, {"n": 5}])
        await until(lambda: sorted(handler.applied) == [0, 1, 2, 3, 4, 5])
        letters = []
        await until(lambda: runtime.counters.dead_lettered == 1)
        letters = await dead_letters(infra, topic)
        assert [header_dict(x.headers)["dlq_reason"] for x in letters] == ["handler_error"]
        assert b'"n": 99' in (letters[0].value or b"")
        assert "ZeroDivisionError" in header_dict(letters[0].headers)["dlq_error"]
        assert runtime.not_ready_reason() is None
    finally:
        await runtime.stop()


async def test_more_poison_than_the_limit_is_our_fault_and_dead_letters_nothing(infra, producer) -> None:
    handler = DoubleHandler()
    runtime, topic = await start_double(infra, handler, poison_limit=2)
    try:
        poison = [{"n": 100 + i, "poison": True} for i in range(3)]
        await send(producer, topic, [{"n": 0}, *poison, {"n": 1}])
        await until(lambda: runtime.not_ready_reason() is not None)
        assert await dead_letters(infra, topic) == []
        assert runtime.counters.dead_lettered == 0
    finally:
        await runtime.stop()


async def test_a_record_too_large_to_republish_is_dead_lettered_truncated_with_its_body_kept(infra, pool) -> None:
    handler = DoubleHandler()
    runtime, topic = await start_double(infra, handler)
    big = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap_servers, max_request_size=8 * 1024 * 1024)
    await big.start()
    try:
        body = json.dumps({"n": 1, "blob": "x" * (5 * 1024 * 1024)}).encode()
        await big.send_and_wait(topic, body, key=b"big")
        await big.send_and_wait(topic, json.dumps({"n": 2}).encode(), key=b"big")  # behind it, same partition
        await until(lambda: handler.applied == [2])
        letters = await dead_letters(infra, topic)
        assert len(letters) == 1
        info = header_dict(letters[0].headers)
        assert info["dlq_reason"] == "too_large" and info["dlq_truncated"] == "true"
        assert int(info["dlq_original_size"]) >= len(body)
        assert letters[0].value == body[:4096]
        kept = await pool.fetchrow(
            "SELECT value, size FROM ops.dead_letter_bodies WHERE sha256 = $1", info["dlq_original_sha256"]
        )
        assert kept is not None and bytes(kept["value"]) == body
        assert runtime.not_ready_reason() is None

        ref = f"{letters[0].dlq_topic}:{letters[0].partition}:{letters[0].offset}"
        shown = await asinflow("dlq", "show", ref, "--body", infra=infra)
        assert shown.code == 0 and shown.out.encode() == body  # the whole body, not the truncated one
        replayed = await asinflow("dlq", "replay", ref, infra=infra)
        assert replayed.code == 1 and "above the 1,048,576-byte limit; not replayed" in replayed.err
    finally:
        await big.stop()
        await runtime.stop()


async def test_the_outbox_relay_skips_a_row_the_broker_refuses_and_goes_on(infra, pool) -> None:
    handler = DoubleHandler()
    runtime, topic = await start_double(infra, handler)
    assert runtime.pool is not None and runtime.producer is not None
    outbox = Outbox(runtime.spec.schema)
    try:
        seqs = []
        for payload in (b"x" * (2 * 1024 * 1024), b'{"n": 1}'):
            seqs.append(
                await pool.fetchval(
                    f"""INSERT INTO {runtime.spec.schema}.outbox (event_id, topic, key, headers, payload)
                        VALUES ($1, $2, 'k', '{{}}'::jsonb, $3) RETURNING seq""",
                    uuid.uuid4(),
                    topic,
                    payload,
                )
            )
        # older_than_s=0: this relay takes the rows before the service's own (which waits 2 s for new rows)
        relay = OutboxRelay(outbox, runtime.pool, runtime.producer)
        assert await relay.relay_once(older_than_s=0) == 2
        rows = {r["seq"]: r for r in await pool.fetch(f"SELECT * FROM {runtime.spec.schema}.outbox")}
        assert rows[seqs[0]]["failed_at"] is not None and "MessageSizeTooLarge" in rows[seqs[0]]["error"]
        assert rows[seqs[1]]["published_at"] is not None
        assert await outbox.counts(pool) == (0, 1)
        assert await relay.relay_once(older_than_s=0) == 0  # skipped from now on, not retried in a loop
        await until(lambda: handler.applied == [1])  # the good row reached the topic
        assert await outbox.retry_failed(pool) == 1  # the operator's `asinflow outbox retry`
        assert await outbox.counts(pool) == (1, 0)
    finally:
        await runtime.stop()
