"""Throughput of the identifier-validation service next to a plain aiokafka relay, in the same run.

Both read N keyed JSON messages that are already on the broker and produce one message per input:
- baseline: plain aiokafka, ``getmany`` batches, sends gathered per batch, one commit per batch (DESIGN §7);
- service: the real identifier-validation service (inbox, rules, decisions table, outbox, publish, commit).
Prints msgs/s of each and the ratio service/baseline. Usage: ``python bench/pipeline_throughput.py [N]``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from asinflow_contracts import topics
from asinflow_identifier_validation.app import SPEC
from asinflow_runtime.db import create_pool
from asinflow_runtime.embedded import EmbeddedStack
from asinflow_runtime.kafka import ensure_topics, new_producer
from asinflow_runtime.service import ServiceRuntime
from asinflow_runtime.settings import ConsumerSettings, InfraSettings


def proposals(n: int) -> list[tuple[bytes, bytes]]:
    out = []
    for i in range(n):
        body = {
            "seller_id": "S-BENCH",
            "sku": f"SKU-{i:07d}",
            "title": f"Bench product {i}",
            "brand": "Acme",
            "product_type": "GADGET",
            "identifiers": [{"type": "UPC", "value": "036000291452"}],
        }
        out.append((f"S-BENCH/{i}".encode(), json.dumps(body).encode()))
    return out


async def fill(bootstrap: str, topic: str, messages: list[tuple[bytes, bytes]]) -> None:
    producer = new_producer(bootstrap)
    await producer.start()
    for start in range(0, len(messages), 1000):
        futures = [await producer.send(topic, v, key=k) for k, v in messages[start : start + 1000]]
        await asyncio.gather(*futures)
    await producer.stop()


async def baseline_relay(bootstrap: str, source: str, target: str, n: int) -> float:
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id="bench-relay",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_poll_records=500,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await consumer.start()
    await producer.start()
    done, started = 0, None
    try:
        while done < n:
            batch = await consumer.getmany(timeout_ms=500, max_records=500)
            records = [r for rs in batch.values() for r in rs]
            if not records:
                continue
            started = started or time.perf_counter()
            futures = [await producer.send(target, r.value, key=r.key) for r in records]
            await asyncio.gather(*futures)
            await consumer.commit()
            done += len(records)
    finally:
        await consumer.stop()
        await producer.stop()
    assert started is not None
    return n / (time.perf_counter() - started)


async def service_rate(infra: InfraSettings, n: int) -> float:
    runtime = ServiceRuntime(SPEC, infra, ConsumerSettings())
    await runtime.start()
    pool = await create_pool(infra.database_url or "")
    try:
        started = None
        while True:
            count = runtime.counters.applied
            if count and started is None:
                started = time.perf_counter()
                first = count
            if count >= n:
                break
            await asyncio.sleep(0.01)
        assert started is not None
        return (n - first) / (time.perf_counter() - started)
    finally:
        await pool.close()
        await runtime.stop()


async def main(n: int) -> None:
    with EmbeddedStack() as infra:
        bootstrap = infra.kafka_bootstrap_servers or ""
        await ensure_topics(bootstrap, ["bench.source", "bench.target", topics.LISTING_PROPOSED], with_dlq=False)
        messages = proposals(n)
        await fill(bootstrap, "bench.source", messages)
        await fill(bootstrap, topics.LISTING_PROPOSED, messages)
        base = await baseline_relay(bootstrap, "bench.source", "bench.target", n)
        service = await service_rate(infra, n)
    print(f"messages: {n}")
    print(f"plain aiokafka batch relay:        {base:10.0f} msgs/s")
    print(f"identifier-validation service:     {service:10.0f} msgs/s")
    print(f"ratio service / plain relay:       {service / base:10.2f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000))
