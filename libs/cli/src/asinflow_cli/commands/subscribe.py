"""``asinflow subscribe deactivations`` and ``asinflow subscribe notifications``: live streams of events, as a
subscriber sees them."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid

import click
from aiokafka import AIOKafkaConsumer
from asinflow_contracts import topics
from asinflow_contracts.envelope import header_dict

from asinflow_cli import stackfile

#: What ``asinflow subscribe notifications`` follows: what buyers see of a listing, and the issues weighing on it.
NOTIFICATION_TOPICS: tuple[str, ...] = (topics.LISTING_STATUS_CHANGED, topics.LISTING_ISSUES_CHANGED)


def render(topic: str, value: bytes | None, headers: list[tuple[str, bytes]]) -> dict[str, object] | None:
    """One event as a JSON object: the event type and id next to the documented payload; None for a message that
    is not a JSON object (junk someone published: the services dead-letter it, a subscriber skips it)."""
    try:
        body = json.loads(value or b"")
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
        return None
    if not isinstance(body, dict):
        return None
    meta = header_dict(headers)
    return {"type": topic, "id": meta.get("ce_id"), **body}


async def stream(
    group: str | None,
    from_beginning: bool,
    limit: int | None,
    idle_timeout: float | None,
    followed: tuple[str, ...] = topics.DEACTIVATION_TOPICS,
) -> int:
    settings = stackfile.resolve()
    consumer = AIOKafkaConsumer(
        *followed,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=group or f"asinflow-cli-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest" if from_beginning else "latest",
        enable_auto_commit=group is not None,
    )
    await consumer.start()
    seen = 0
    try:
        while limit is None or seen < limit:
            batch = await consumer.getmany(timeout_ms=int((idle_timeout or 3600) * 1000))
            if not batch:
                if idle_timeout is not None:
                    break
                continue
            for records in batch.values():
                for record in records:
                    event = render(record.topic, record.value, list(record.headers or ()))
                    if event is not None:
                        click.echo(json.dumps(event))
                        seen += 1
    finally:
        await consumer.stop()
    return seen


@click.group("subscribe")
def subscribe_group() -> None:
    """Follow events live."""


@subscribe_group.command("deactivations")
@click.option("--group", default=None, help="A consumer group to resume from (default: a new one, from now).")
@click.option("--from-beginning", is_flag=True, help="Start at the oldest event still on the broker.")
@click.option("--max", "limit", type=int, default=None, help="Stop after this many events.")
@click.option("--idle-timeout", type=float, default=None, help="Stop after this many seconds without events.")
def deactivations(group: str | None, from_beginning: bool, limit: int | None, idle_timeout: float | None) -> None:
    """listing.deactivated and listing.suppressed, one JSON object per line, until Ctrl-C."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(stream(group, from_beginning, limit, idle_timeout))


@subscribe_group.command("notifications")
@click.option("--group", default=None, help="A consumer group to resume from (default: a new one, from now).")
@click.option("--from-beginning", is_flag=True, help="Start at the oldest event still on the broker.")
@click.option("--max", "limit", type=int, default=None, help="Stop after this many events.")
@click.option("--idle-timeout", type=float, default=None, help="Stop after this many seconds without events.")
def notifications(group: str | None, from_beginning: bool, limit: int | None, idle_timeout: float | None) -> None:
    """listing.status-changed and listing.issues-changed, one JSON object per line, until Ctrl-C."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(stream(group, from_beginning, limit, idle_timeout, NOTIFICATION_TOPICS))
