"""One hop of the bare relay chain of ``pipeline_end_to_end.py``: plain aiokafka, ``getmany`` ≤ 500, the batch's
sends gathered, one commit per batch (DESIGN §7). Its own process, like a service.

Usage: ``python bench/relay.py BOOTSTRAP SOURCE TARGET GROUP``; prints ``ready`` once it owns partitions.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


async def relay(bootstrap: str, source: str, target: str, group: str) -> None:
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=100,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, acks="all")
    await consumer.start()
    await producer.start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    announced = False
    try:
        while not stop.is_set():
            batch = await consumer.getmany(timeout_ms=200, max_records=500)
            if not announced and consumer.assignment():
                print("ready", flush=True)
                announced = True
            records = [r for rs in batch.values() for r in rs]
            if not records:
                continue
            futures = [await producer.send(target, r.value, key=r.key, headers=list(r.headers)) for r in records]
            await asyncio.gather(*futures)
            await consumer.commit()
    finally:
        await consumer.stop()
        await producer.stop()


if __name__ == "__main__":
    asyncio.run(relay(*sys.argv[1:5]))
