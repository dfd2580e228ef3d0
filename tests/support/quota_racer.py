"""One quota consumer as its own OS process, for the concurrency tests of the grant script.

It sends every listing id ``L-00000`` .. ``L-{ids-1}`` twice (a duplicate of every event), shuffled, in
batches of random size, through ``QuotaStore.grant_many``, and appends one JSON line per batch to
``--out``: ``{"granted": [...], "already": [...], "over": [...]}``. It prints ``ready`` once connected
and waits for a line on stdin, so the test can start every racer at the same moment.

With ``--hang-after K`` it sends K batches normally, then sends one more, prints ``hanging`` and stops
before writing that batch's line: a consumer whose grants Redis applied but whose own record of them is
lost when it is killed (the test sends SIGKILL then).

``python -m tests.support.quota_racer --redis URL --seller S --limit L --ids N --at ISO --seed K --out FILE``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

from asinflow_creation_quota.adapters.redis_quota import GrantRequest, GrantStatus, QuotaStore
from asinflow_runtime.cache import create_redis

KIND = {GrantStatus.GRANTED: "granted", GrantStatus.ALREADY_GRANTED: "already", GrantStatus.OVER_LIMIT: "over"}


def listing_ids(count: int) -> list[str]:
    return [f"L-{i:05d}" for i in range(count)]


async def race(args: argparse.Namespace, out: TextIO) -> None:
    rng = random.Random(args.seed)
    at = datetime.fromisoformat(args.at)
    deliveries = listing_ids(args.ids) * 2
    rng.shuffle(deliveries)
    redis = create_redis(args.redis)
    store = QuotaStore(redis)
    await redis.ping()
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        batches = 0
        while deliveries:
            size = rng.randint(1, args.max_batch)
            batch, deliveries = deliveries[:size], deliveries[size:]
            requests = [GrantRequest(args.seller, listing, args.limit, at) for listing in batch]
            line: dict[str, list[str]] = {"granted": [], "already": [], "over": []}
            results = await store.grant_many(requests)
            batches += 1
            if args.hang_after is not None and batches > args.hang_after:
                print("hanging", flush=True)
                await asyncio.Event().wait()  # until killed
            for result in results:
                line[KIND[result.status]].append(result.listing_id)
            out.write(json.dumps(line) + "\n")  # line-buffered: on disk before the next batch
            if args.pause:
                await asyncio.sleep(args.pause)
    finally:
        await redis.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--redis", required=True)
    parser.add_argument("--seller", required=True)
    parser.add_argument("--limit", type=int, required=True)
    parser.add_argument("--ids", type=int, required=True)
    parser.add_argument("--at", required=True, help="the instant whose ISO week is used (aware ISO 8601)")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--max-batch", type=int, default=20)
    parser.add_argument("--pause", type=float, default=0.0, help="seconds to sleep after each batch")
    parser.add_argument("--hang-after", type=int, default=None, help="hang, unrecorded, after this many batches")
    args = parser.parse_args()
    with Path(args.out).open("a", encoding="utf-8", buffering=1) as out:
        asyncio.run(race(args, out))


if __name__ == "__main__":
    main()
