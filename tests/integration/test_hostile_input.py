"""Hostile input on every consumed topic, mixed into a stream of good proposals sent at full speed (issue 10):
every good proposal settles, every junk message is accounted for (a dead letter with its reason from every
service that consumes its topic, or a SCHEMA_INVALID rejection on the listing it names) and every service
stays ready."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import defaultdict

import pytest
from aiokafka import AIOKafkaProducer
from asinflow_cli.dlq import read_letters
from asinflow_cli.services import SERVICES
from asinflow_contracts import topics
from asinflow_contracts.envelope import header_dict

from tests.support.hostile import REJECTED, junk_for
from tests.support.listings import proposal, publish_proposal, seller, wait_for, wait_for_proposal

pytestmark = pytest.mark.integration

#: The default run sends a 5 MB body on two topics; the `faults` variant (``make test-faults``) on every one.
FIVE_MB_TOPICS = {topics.LISTING_PROPOSED, topics.LISTING_DEACTIVATED}


def consumers_of() -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for spec, _ in SERVICES:
        for topic in spec.consumes:
            found[topic].add(spec.name)
    return found


async def test_hostile_input_on_every_topic_loses_no_good_listing_and_leaves_a_trace_of_every_junk_message(
    services, infra, producer, pool
) -> None:
    await hostile_run(services, infra, producer, pool, five_mb_everywhere=False)


@pytest.mark.faults
async def test_hostile_input_with_a_5_mb_body_on_every_topic(services, infra, producer, pool) -> None:
    await hostile_run(services, infra, producer, pool, five_mb_everywhere=True)


async def hostile_run(services, infra, producer, pool, *, five_mb_everywhere: bool) -> None:
    run = uuid.uuid4().hex[:8]
    consumers = consumers_of()
    junk = [
        j
        for topic in sorted(consumers)
        for j in junk_for(topic, run, five_mb=five_mb_everywhere or topic in FIVE_MB_TOPICS)
    ]
    sellers = [seller() for _ in range(10)]  # a new seller may create 20 a week: stay below its quota
    good = [proposal(sellers[i % 10], f"GOOD-{i}") for i in range(40)]
    random.Random(run).shuffle(junk)

    big = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap_servers, max_request_size=8 * 1024 * 1024)
    await big.start()
    try:
        sends = [big.send(j.topic, j.value, key=j.key, headers=j.headers) for j in junk]
        futures = await asyncio.gather(*sends)  # junk and good proposals interleaved, nothing awaited one by one
        proposal_ids = await asyncio.gather(*(publish_proposal(producer, p) for p in good))
        await asyncio.gather(*futures)
    finally:
        await big.stop()

    for proposal_id in proposal_ids:
        state, _ = await wait_for_proposal(pool, proposal_id, {"active"}, timeout=120)
        assert state == "active"

    for j in (j for j in junk if j.expect == REJECTED):
        assert j.seller_id and j.sku
        code = await wait_for(
            pool,
            "SELECT issues->0->>'code' FROM ledger.versions v WHERE seller_id = $1 AND sku = $2 AND state = 'rejected'",
            j.seller_id,
            j.sku,
            predicate=lambda c: c is not None,
            timeout=60,
        )
        assert code == "SCHEMA_INVALID", j.kind

    expected = {(j.id, service) for j in junk if j.expect != REJECTED for service in consumers[j.topic]}
    letters = await _letters_until(infra, expected)
    for j in (j for j in junk if j.expect != REJECTED):
        for service in consumers[j.topic]:
            reasons = letters.get((j.id, service))
            assert reasons, f"no dead letter from {service} for {j.kind} on {j.topic}"
            assert isinstance(j.expect, frozenset)
            assert reasons <= j.expect, f"{service}: {j.kind} on {j.topic} dead-lettered as {reasons}"

    for name, runtime in services.items():
        assert runtime.not_ready_reason() is None, name
        assert runtime.counters.halts == 0, name


async def _letters_until(infra, expected: set[tuple[str, str]], timeout: float = 90.0) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found: dict[tuple[str, str], set[str]] = defaultdict(set)
        for letter in await read_letters(infra.kafka_bootstrap_servers):
            info = header_dict(letter.headers)
            if "junk" in info:
                found[(info["junk"], info.get("dlq_service", ""))].add(info.get("dlq_reason", ""))
        missing = expected - set(found)
        if not missing or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(1.0)
