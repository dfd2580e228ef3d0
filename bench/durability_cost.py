"""What the durable embedded stack costs, next to the ephemeral one, in the same run (docs/operations.md).

1. ``bench/pipeline_throughput.py``'s measurement (N keyed proposals already on the broker: a plain aiokafka
   relay and the identifier-validation service) on an ephemeral stack, then on a durable one (data in a
   temporary directory: PostgreSQL with fsync/synchronous_commit/full_page_writes on, Redis append-only,
   the broker on its object store with fsync), then with only PostgreSQL durable and only the broker
   durable.
2. ``asinflow run --once`` end to end (all services, start-up included) on a generated feed of F listings,
   ``--ephemeral`` and durable (a new data directory, then the same run again on the kept data).

Usage: ``python bench/durability_cost.py [N] [F]`` (defaults 10,000 and 1,000).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from asinflow_contracts import topics
from asinflow_runtime.embedded import EmbeddedStack
from asinflow_runtime.embedded.servers import start_object_store, start_postgres, start_tansu
from asinflow_runtime.kafka import ensure_topics
from asinflow_runtime.settings import InfraSettings

sys.path.insert(0, str(Path(__file__).parent))
from pipeline_throughput import baseline_relay, fill, proposals, service_rate

ASINFLOW = str(Path(sys.executable).parent / "asinflow")


async def pipeline(stack: EmbeddedStack, n: int) -> tuple[float, float, float]:
    """(seconds to publish N messages twice, relay msgs/s, service msgs/s)."""
    with stack as infra:
        bootstrap = infra.kafka_bootstrap_servers or ""
        await ensure_topics(bootstrap, ["bench.source", "bench.target", topics.LISTING_PROPOSED], with_dlq=False)
        messages = proposals(n)
        started = time.perf_counter()
        await fill(bootstrap, "bench.source", messages)
        await fill(bootstrap, topics.LISTING_PROPOSED, messages)
        publish_s = time.perf_counter() - started
        base = await baseline_relay(bootstrap, "bench.source", "bench.target", n)
        service = await service_rate(infra, n)
    return publish_s, base, service


def ean13(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def feed(path: Path, listings: int) -> Path:
    """Distinct products, at most 20 per seller (a new seller's weekly quota): all are created."""
    lines = []
    for n in range(listings):
        proposal = {
            "seller_id": f"B-{n // 20:04d}",
            "sku": f"BENCH-{n:06d}",
            "title": f"Benchbrand{n} Desk Lamp L{n}",
            "brand": f"Benchbrand{n}",
            "product_type": "LAMP",
            "identifiers": [{"type": "EAN", "value": ean13(f"4007{n:08d}")}],
            "batch_id": "bench-feed",
            "quantity": 5,
        }
        lines.append(json.dumps(proposal))
    path.write_text("\n".join(lines) + "\n")
    return path


def run_once(cwd: Path, feed_path: Path, *args: str) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    result = subprocess.run(
        [ASINFLOW, "run", "--feed", str(feed_path), "--once", "--json", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, json.loads(result.stdout)


async def main(n: int, listings: int) -> None:
    print(f"1. pipeline_throughput, {n:,} messages")
    print(f"{'stack':<22} {'publish 2×N s':>14} {'relay msgs/s':>13} {'service msgs/s':>15}")
    with tempfile.TemporaryDirectory(prefix="asinflow-bench-") as tmp:
        root = Path(tmp)
        for name, stack in (
            ("ephemeral", EmbeddedStack()),
            ("durable", EmbeddedStack(data_dir=root / "data", workdir=root / "servers")),
        ):
            publish_s, base, service = await pipeline(stack, n)
            print(f"{name:<22} {publish_s:>14.2f} {base:>13,.0f} {service:>15,.0f}")
        # One durable server at a time, the others ephemeral: where the cost comes from.
        (root / "pg").mkdir()
        postgres = start_postgres(root / "pg", data_dir=root / "pg" / "data")
        try:
            publish_s, base, service = await pipeline(EmbeddedStack(InfraSettings(database_url=postgres.url)), n)
            print(f"{'durable PostgreSQL only':<22} {publish_s:>14.2f} {base:>13,.0f} {service:>15,.0f}")
        finally:
            postgres.stop()
        (root / "broker").mkdir()
        store = start_object_store(root / "broker", root / "broker" / "objects")
        broker = start_tansu(root / "broker", object_store=store.url)
        try:
            stack = EmbeddedStack(InfraSettings(kafka_bootstrap_servers=broker.url))
            publish_s, base, service = await pipeline(stack, n)
            print(f"{'durable broker only':<22} {publish_s:>14.2f} {base:>13,.0f} {service:>15,.0f}")
        finally:
            broker.stop()
            store.stop()

    print(f"\n2. asinflow run --once, {listings:,} listings through every service (wall clock, start-up included)")
    with tempfile.TemporaryDirectory(prefix="asinflow-bench-") as tmp:
        root = Path(tmp)
        feed_path = feed(root / "feed.jsonl", listings)
        for name, args, folder in (
            ("ephemeral", ("--ephemeral",), "e"),
            ("durable, new data", (), "d"),
            ("durable, kept data", (), "d"),
        ):
            (root / folder).mkdir(exist_ok=True)
            wall, summary = run_once(root / folder, feed_path, *args)
            print(
                f"{name:<20} wall {wall:6.1f} s   run's elapsed_s {summary['elapsed_s']:6.1f}   {summary['by_state']}"
            )


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    asyncio.run(main(*(args + [10_000, 1_000][len(args) :])))
