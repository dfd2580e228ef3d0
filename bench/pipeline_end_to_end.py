"""The whole pipeline as a user runs it, next to a bare relay chain of the same depth, in ONE run (issue 11).

1. ``asinflow run`` starts the stack and every service the way a user does (durable by default, ``--ephemeral``
   for a throwaway stack), in a temporary directory.
2. Peak: N (default 5,000) new products — valid EAN-13s, each its own brand, unique titles and model numbers
   drawn from a common vocabulary, 10 per seller — published to ``listing.proposed`` as fast as aiokafka takes
   them; the time from the first send to the N-th ``listing.activated``.
3. The bare chain: six plain aiokafka relays (``bench/relay.py``), each its own process, over the same broker,
   topics of the same partition count, the same messages: first send to the N-th message out of the last hop.
4. Latency proposal → activated at 50% of the measured peak for ``--steady-s`` seconds (p50/p95/p99, and p50
   per quarter of the run to show whether it is steady); the bare chain at the same rate.
5. One listing at a time on the idle stack (p50 over 20).
6. CPU per listing per process (PostgreSQL backends charged to the service whose pool owns them, by
   ``application_name``), outbox rows relayed and duplicates dropped during the peak.

Usage: ``python bench/pipeline_end_to_end.py [--n 5000] [--steady-s 60] [--ephemeral]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import psutil
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from asinflow_contracts import topics
from asinflow_contracts.envelope import Envelope
from asinflow_contracts.ids import content_event_id, listing_id
from asinflow_runtime.kafka import ensure_topics

BENCH = Path(__file__).resolve().parent
ASINFLOW = str(Path(sys.executable).parent / "asinflow")
SERVICES = (
    "lifecycle-ledger",
    "identifier-validation",
    "duplicate-matching",
    "brand-gating",
    "creation-quota",
    "catalog",
    "activation",
)
HOPS = 6  # proposed → validated → (un)matched → brand-cleared → quota-granted → created → activated
ADJECTIVES = ("portable", "wireless", "compact", "premium", "classic", "smart", "rechargeable", "waterproof")
NOUNS = ("speaker", "headphones", "charger", "lamp", "kettle", "backpack", "keyboard", "camera", "blender")


def ean13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def products(n: int, phase: int) -> list[dict[str, Any]]:
    """New products, 10 per seller, each of its own brand; titles share common words on purpose."""
    out = []
    for i in range(n):
        brand = f"Benchbrand {phase:02d}{i:06d}"
        model = f"BM-{phase:02d}{i:06d}"
        title = f"{brand} {ADJECTIVES[i % len(ADJECTIVES)]} {NOUNS[i % len(NOUNS)]} {model}"
        out.append(
            {
                "seller_id": f"S-BENCH-{phase:02d}-{i // 10:05d}",
                "sku": f"SKU-{i:06d}",
                "title": title,
                "brand": brand,
                "manufacturer": f"{brand} Ltd",
                "product_type": NOUNS[i % len(NOUNS)].upper(),
                "model_number": model,
                "identifiers": [{"type": "EAN", "value": ean13(f"4{phase:02d}{i:09d}")}],
                "quantity": 5,
                "batch_id": f"bench-{phase}",
            }
        )
    return out


def message(p: dict[str, Any]) -> tuple[bytes, bytes, list[tuple[str, bytes]], str]:
    body = json.dumps(p).encode()
    lid = str(listing_id(p["seller_id"], p["sku"]))
    envelope = Envelope(
        id=content_event_id(topics.LISTING_PROPOSED, body), type=topics.LISTING_PROPOSED, source="/bench", subject=lid
    )
    return lid.encode(), body, envelope.to_headers(), lid


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# ----------------------------------------------------------------------------------------------- the stack


@dataclass
class Run:
    proc: subprocess.Popen[bytes]
    cwd: Path
    env: dict[str, str]

    @property
    def bootstrap(self) -> str:
        return self.env["KAFKA_BOOTSTRAP_SERVERS"]


def start_run(ephemeral: bool) -> Run:
    cwd = Path(tempfile.mkdtemp(prefix="asinflow-bench-"))
    log = (cwd / "run.log").open("wb")
    argv = [ASINFLOW, "run", *(["--ephemeral"] if ephemeral else [])]
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "REDIS_URL")}
    proc = subprocess.Popen(argv, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    stack_env = cwd / ".asinflow" / "stack.env"
    deadline = time.monotonic() + 180
    while not stack_env.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"asinflow run did not start: {(cwd / 'run.log').read_text()[-2000:]}")
        time.sleep(0.2)
    values = dict(line.split("=", 1) for line in stack_env.read_text().splitlines() if "=" in line)
    return Run(proc, cwd, values)


async def wait_ready(pool: asyncpg.Pool, run: Run) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        with contextlib.suppress(asyncpg.UndefinedTableError):
            n = await pool.fetchval("SELECT count(*) FROM ops.service_heartbeat WHERE ready")
            if n == len(SERVICES) and "serving" in (run.cwd / "run.log").read_text():
                return
        await asyncio.sleep(0.5)
    raise RuntimeError("services not ready")


def stop_run(run: Run) -> None:
    with contextlib.suppress(ProcessLookupError):
        run.proc.send_signal(signal.SIGINT)
    try:
        run.proc.wait(90)
    except subprocess.TimeoutExpired:
        os.killpg(run.proc.pid, signal.SIGKILL)
    shutil.rmtree(run.cwd, ignore_errors=True)


# ----------------------------------------------------------------------------------------------- CPU


def cpu_of(proc: psutil.Process) -> float:
    with contextlib.suppress(psutil.Error):
        t = proc.cpu_times()
        return float(t.user + t.system)
    return 0.0


async def cpu_snapshot(pool: asyncpg.Pool, run: Run, extra: Iterable[psutil.Process] = ()) -> dict[str, float]:
    """CPU-seconds used so far by each part of the stack; PostgreSQL backends by the service owning them."""
    owner = {
        r["pid"]: r["application_name"] for r in await pool.fetch("SELECT pid, application_name FROM pg_stat_activity")
    }
    totals: dict[str, float] = {}
    root = psutil.Process(run.proc.pid)
    for proc in [root, *root.children(recursive=True), *extra]:
        with contextlib.suppress(psutil.Error):
            cmd = " ".join(proc.cmdline())
            name = proc.name()
            if "-m asinflow_" in cmd:
                part = cmd.split("-m asinflow_", 1)[1].split()[0].replace("_", "-")
            elif name.startswith("tansu") or "tansu" in cmd:
                part = "broker (tansu)"
            elif "objectstore" in cmd:
                part = "broker storage (object store)"
            elif "redis-server" in name:
                part = "redis"
            elif name == "postgres" or "postgres" in cmd:
                app = owner.get(proc.pid) or ""
                part = f"{app} (postgres)" if app in SERVICES else "postgres (other)"
            elif "relay.py" in cmd:
                part = "relay chain"
            elif proc.pid == root.pid:
                part = "asinflow run"
            else:
                part = name
            totals[part] = totals.get(part, 0.0) + cpu_of(proc)
    return totals


def batch_sizes(before: dict[str, dict[str, int]], after: dict[str, dict[str, int]]) -> dict[str, float]:
    """Records per batch of each service between two readings of its counters."""
    sizes = {}
    for s in SERVICES:
        consumed = after.get(s, {}).get("consumed", 0) - before.get(s, {}).get("consumed", 0)
        batches = after.get(s, {}).get("batches", 0) - before.get(s, {}).get("batches", 0)
        sizes[s] = round(consumed / batches, 1) if batches else 0.0
    return sizes


def cpu_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {k: after.get(k, 0.0) - before.get(k, 0.0) for k in sorted(set(before) | set(after))}


async def counters(pool: asyncpg.Pool) -> dict[str, dict[str, int]]:
    rows = await pool.fetch("SELECT service, counters FROM ops.service_heartbeat")
    return {r["service"]: json.loads(r["counters"]) for r in rows}


# ----------------------------------------------------------------------------------------------- watching


class Watch:
    """Consumes a topic from its end; records when each awaited key (listing id) arrives."""

    def __init__(self, bootstrap: str, topic: str, key_of_body: bool) -> None:
        # min_bytes=1: a fetch returns as soon as an event arrives (no added latency); 500 ms: few idle fetches
        self.consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=500)
        self.topic = topic
        self.key_of_body = key_of_body
        self.arrived: dict[str, float] = {}
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.consumer.start()
        parts = [TopicPartition(self.topic, p) for p in sorted(self.consumer.partitions_for_topic(self.topic) or [])]
        self.consumer.assign(parts)
        await self.consumer.seek_to_end(*parts)
        for tp in parts:
            await self.consumer.position(tp)
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            batch = await self.consumer.getmany(timeout_ms=100, max_records=5000)
            now = time.perf_counter()
            for records in batch.values():
                for r in records:
                    key = json.loads(r.value)["listing_id"] if self.key_of_body else (r.key or b"").decode()
                    self.arrived.setdefault(key, now)

    async def until(self, keys: set[str], timeout: float) -> float:
        deadline = time.perf_counter() + timeout
        while not keys <= self.arrived.keys():
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{len(keys - self.arrived.keys())} of {len(keys)} never arrived on {self.topic}")
            await asyncio.sleep(0.01)
        return max(self.arrived[k] for k in keys)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.consumer.stop()


async def send_all(
    producer: AIOKafkaProducer, topic: str, messages: list[tuple[bytes, bytes, Any, str]]
) -> dict[str, float]:
    sent: dict[str, float] = {}
    futures = []
    for key, body, headers, lid in messages:
        sent[lid] = time.perf_counter()
        futures.append(await producer.send(topic, body, key=key, headers=headers))
    await asyncio.gather(*futures)
    return sent


async def send_at_rate(
    producer: AIOKafkaProducer, topic: str, messages: list[tuple[bytes, bytes, Any, str]], rate: float
) -> dict[str, float]:
    """Offer ``rate`` messages/s: every 10 ms, what is due by then."""
    sent: dict[str, float] = {}
    futures = []
    start = time.perf_counter()
    i = 0
    while i < len(messages):
        due = min(len(messages), int((time.perf_counter() - start) * rate) + 1)
        while i < due:
            key, body, headers, lid = messages[i]
            sent[lid] = time.perf_counter()
            futures.append(await producer.send(topic, body, key=key, headers=headers))
            i += 1
        await asyncio.sleep(0.01)
    await asyncio.gather(*futures)
    return sent


def latency_report(sent: dict[str, float], arrived: dict[str, float]) -> dict[str, Any]:
    pairs = sorted((sent[k], arrived[k] - sent[k]) for k in sent)
    lat = [d * 1000 for _, d in pairs]
    quarter = max(1, len(lat) // 4)
    quarters = [statistics.median(lat[q * quarter : (q + 1) * quarter]) for q in range(4)]
    return {
        "n": len(lat),
        "p50_ms": round(pct(lat, 0.50)),
        "p95_ms": round(pct(lat, 0.95)),
        "p99_ms": round(pct(lat, 0.99)),
        "p50_by_quarter_ms": [round(q) for q in quarters],
        "last_over_first_quarter": round(quarters[-1] / quarters[0], 2),
    }


# ----------------------------------------------------------------------------------------------- phases


async def chain(
    bootstrap: str, messages: list[tuple[bytes, bytes, Any, str]], rate: float | None, tag: str, broker: list[Any]
) -> tuple[dict[str, float], dict[str, float], float]:
    """The bare chain over the same broker: what was sent when, what came out of the last hop when, and the
    CPU-seconds the relays and the broker used from the first send on (start-up excluded)."""
    names = [f"bench.chain.{tag}.{i}" for i in range(HOPS + 1)]
    await ensure_topics(bootstrap, names, with_dlq=False)
    relays = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            str(BENCH / "relay.py"),
            bootstrap,
            names[i],
            names[i + 1],
            f"bench-relay-{tag}-{i}",
            stdout=asyncio.subprocess.PIPE,
        )
        for i in range(HOPS)
    ]
    try:
        for r in relays:
            assert r.stdout is not None
            if (await r.stdout.readline()).strip() != b"ready":
                raise RuntimeError("relay did not start")
        watch = Watch(bootstrap, names[-1], key_of_body=False)
        await watch.start()
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, acks="all")
        await producer.start()
        procs = [psutil.Process(r.pid) for r in relays] + broker
        cpu_before = sum(cpu_of(p) for p in procs)
        try:
            sent = await (
                send_at_rate(producer, names[0], messages, rate) if rate else send_all(producer, names[0], messages)
            )
            await watch.until(set(sent), timeout=300)
            return sent, dict(watch.arrived), sum(cpu_of(p) for p in procs) - cpu_before
        finally:
            await producer.stop()
            await watch.stop()
    finally:
        for r in relays:
            r.send_signal(signal.SIGTERM)
        for r in relays:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(r.wait(), 10)


async def main(args: argparse.Namespace) -> None:
    run = start_run(args.ephemeral)
    report: dict[str, Any] = {"n": args.n, "stack": "ephemeral" if args.ephemeral else "durable (asinflow run)"}
    try:
        pool = await asyncpg.create_pool(run.env["DATABASE_URL"], min_size=1, max_size=2)
        assert pool is not None
        await wait_ready(pool, run)
        bootstrap = run.bootstrap
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, acks="all", max_batch_size=256 * 1024)
        await producer.start()
        activated = Watch(bootstrap, topics.LISTING_ACTIVATED, key_of_body=True)
        await activated.start()

        # --- peak
        peak_msgs = [message(p) for p in products(args.n, 1)]
        cpu0, count0 = await cpu_snapshot(pool, run), await counters(pool)
        sent = await send_all(producer, topics.LISTING_PROPOSED, peak_msgs)
        last = await activated.until(set(sent), timeout=1800)
        peak_s = last - min(sent.values())
        await asyncio.sleep(3)  # heartbeats carry the counters every 2 s
        cpu1, count1 = await cpu_snapshot(pool, run), await counters(pool)
        peak = args.n / peak_s
        cpu = cpu_delta(cpu0, cpu1)
        report["peak"] = {"seconds": round(peak_s, 2), "listings_per_s": round(peak)}
        report["cpu_ms_per_listing"] = {k: round(v * 1000 / args.n, 3) for k, v in cpu.items() if v > 0}
        report["cpu_ms_per_listing_total"] = round(
            sum(v for k, v in cpu.items() if k != "asinflow run") * 1000 / args.n, 2
        )
        report["outbox_relayed"] = {
            s: count1.get(s, {}).get("relayed", 0) - count0.get(s, {}).get("relayed", 0) for s in SERVICES
        }
        report["duplicates_dropped"] = {
            s: count1.get(s, {}).get("duplicates", 0) - count0.get(s, {}).get("duplicates", 0) for s in SERVICES
        }

        # --- bare chain, same messages, same broker
        chain_msgs = [message(p) for p in products(args.n, 2)]
        broker = [p for p in psutil.Process(run.proc.pid).children(recursive=True) if "tansu" in " ".join(p.cmdline())]
        c_sent, c_arrived, chain_cpu = await chain(bootstrap, chain_msgs, None, "peak", broker)
        chain_s = max(c_arrived[k] for k in c_sent) - min(c_sent.values())
        report["chain_peak"] = {
            "seconds": round(chain_s, 2),
            "msgs_per_s": round(args.n / chain_s),
            "cpu_ms_per_message": round(chain_cpu * 1000 / args.n, 3),
        }
        report["ratio_pipeline_over_chain"] = round(peak / (args.n / chain_s), 3)

        # --- latency at 50% of the measured peak
        rate = peak / 2
        steady_n = int(rate * args.steady_s)
        steady_msgs = [message(p) for p in products(steady_n, 3)]
        cpu2, count2 = await cpu_snapshot(pool, run), await counters(pool)
        s_sent = await send_at_rate(producer, topics.LISTING_PROPOSED, steady_msgs, rate)
        await activated.until(set(s_sent), timeout=600)
        await asyncio.sleep(3)
        cpu3, count3 = await cpu_snapshot(pool, run), await counters(pool)
        steady_cpu = cpu_delta(cpu2, cpu3)
        report["steady"] = {
            "offered_per_s": round(rate),
            "seconds": args.steady_s,
            **latency_report(s_sent, activated.arrived),
            "cpu_ms_per_listing_total": round(
                sum(v for k, v in steady_cpu.items() if k != "asinflow run") * 1000 / steady_n, 2
            ),
            "mean_batch": batch_sizes(count2, count3),
            "cpu_ms_per_listing": {k: round(v * 1000 / steady_n, 3) for k, v in steady_cpu.items() if v > 0},
        }
        report["peak"]["mean_batch"] = batch_sizes(count0, count1)
        if not args.skip_chain_latency:
            c_msgs = [message(p) for p in products(steady_n, 4)]
            cs, ca, _ = await chain(bootstrap, c_msgs, rate, "steady", broker)
            report["chain_steady"] = latency_report(cs, ca)

        # --- idle: one listing at a time
        idle = []
        for i, p in enumerate(products(args.idle, 5)):
            m = message(p)
            t = time.perf_counter()
            await send_all(producer, topics.LISTING_PROPOSED, [m])
            arrived = await activated.until({m[3]}, timeout=60)
            idle.append((arrived - t) * 1000)
            await asyncio.sleep(0.5 if i % 2 else 1.0)
        report["idle"] = {"n": len(idle), "p50_ms": round(statistics.median(idle)), "max_ms": round(max(idle))}

        await activated.stop()
        await producer.stop()
        await pool.close()
    finally:
        stop_run(run)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--steady-s", type=float, default=60.0)
    parser.add_argument("--idle", type=int, default=20)
    parser.add_argument("--ephemeral", action="store_true", help="asinflow run --ephemeral (nothing kept)")
    parser.add_argument("--skip-chain-latency", action="store_true", help="no bare-chain run at the steady rate")
    asyncio.run(main(parser.parse_args()))
