"""Grants/s of the creation-quota script next to plain INCR, pipelined the same way, in the same run.

Both send N requests spread over many sellers in pipelined batches (one round trip per batch, DESIGN §7):
- baseline: plain ``INCR`` of one counter per seller and week (no limit, no idempotency, no expiry);
- script: ``QuotaStore.grant_many``, the atomic check + increment + idempotency record + EXPIREAT;
- redelivery: the same requests again, every one answered "already granted" by the script.
Prints requests/s of each and the ratio script/INCR. Starts an embedded Redis unless ``REDIS_URL`` is set.
Usage: ``python bench/quota_script.py [N] [BATCH]``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from asinflow_creation_quota.adapters.redis_quota import GrantRequest, GrantStatus, QuotaStore, quota_keys
from asinflow_creation_quota.domain.weeks import iso_week, previous_week
from asinflow_runtime.cache import create_redis
from asinflow_runtime.embedded.servers import start_redis
from redis.asyncio import Redis

SELLERS = 1_000


async def incr_rate(redis: Redis, keys: list[str], batch: int) -> float:
    started = time.perf_counter()
    for start in range(0, len(keys), batch):
        async with redis.pipeline(transaction=False) as pipe:
            for key in keys[start : start + batch]:
                pipe.incr(key)
            await pipe.execute()
    return len(keys) / (time.perf_counter() - started)


async def script_rate(store: QuotaStore, requests: list[GrantRequest], batch: int, expect: GrantStatus) -> float:
    started = time.perf_counter()
    answered = 0
    for start in range(0, len(requests), batch):
        results = await store.grant_many(requests[start : start + batch])
        answered += sum(1 for r in results if r.status is expect)
    rate = len(requests) / (time.perf_counter() - started)
    assert answered == len(requests), f"{answered} of {len(requests)} were {expect}"
    return rate


async def measure(url: str, n: int, batch: int) -> None:
    redis = create_redis(url)
    store = QuotaStore(redis)
    run = uuid.uuid4().hex[:8]
    at = datetime.now(UTC)
    sellers = [f"bench-{run}-{i}" for i in range(SELLERS)]
    requests = [GrantRequest(sellers[i % SELLERS], f"L-{i}", n, at) for i in range(n)]
    incr_keys = [f"bench:{{{sellers[i % SELLERS]}}}:{iso_week(at)}:incr" for i in range(n)]
    try:
        warm = [GrantRequest(f"bench-{run}-warm", f"W-{i}", n, at) for i in range(batch)]
        await store.grant_many(warm)  # loads the script and opens the connection
        await incr_rate(redis, [f"bench:{{bench-{run}-warm}}:incr"] * batch, batch)
        incr = await incr_rate(redis, incr_keys, batch)
        grants = await script_rate(store, requests, batch, GrantStatus.GRANTED)
        redelivered = await script_rate(store, requests, batch, GrantStatus.ALREADY_GRANTED)
        used = sum([await store.usage(seller, iso_week(at)) for seller in sellers])
        assert used == n, f"counters say {used}, expected {n}"
    finally:
        doomed = [*set(incr_keys), f"bench:{{bench-{run}-warm}}:incr"]
        for seller in [*sellers, f"bench-{run}-warm"]:
            keys = quota_keys(seller, iso_week(at))
            doomed += [keys.used, keys.grants, quota_keys(seller, previous_week(at)).grants]
        for start in range(0, len(doomed), 1000):
            await redis.delete(*doomed[start : start + 1000])
        await redis.aclose()
    print(f"requests: {n} over {SELLERS} sellers, pipelined in batches of {batch}")
    print(f"plain INCR:                        {incr:10.0f} ops/s")
    print(f"quota script, granted:             {grants:10.0f} grants/s")
    print(f"quota script, redelivered:         {redelivered:10.0f} answers/s")
    print(f"ratio script grants / plain INCR:  {grants / incr:10.2f}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    batch = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    url = os.environ.get("REDIS_URL")
    if url:
        asyncio.run(measure(url, n, batch))
        return
    with tempfile.TemporaryDirectory(prefix="asinflow-bench-") as workdir:
        server = start_redis(Path(workdir))
        try:
            asyncio.run(measure(server.url, n, batch))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
