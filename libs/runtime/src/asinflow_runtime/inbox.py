"""Inbox (DESIGN §3): the ids of applied events, claimed in the same transaction as their effects."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg

from asinflow_runtime.db import quote_ident
from asinflow_runtime.messages import Incoming


class Inbox:
    def __init__(self, schema: str) -> None:
        self.table = f"{quote_ident(schema)}.inbox"

    async def claim(
        self,
        conn: asyncpg.Connection,
        items: Sequence[Incoming],
        *,
        mark_outbox: tuple[str, Sequence[int]] | None = None,
    ) -> list[Incoming]:
        """Record the events' ids; return the items seen for the first time (first occurrence in the batch).

        ``mark_outbox`` (outbox table, seqs): mark those outbox rows published in the same statement (one round
        trip fewer per batch)."""
        if not items:
            return []
        marking = ""
        args: list[object] = [[i.event_id for i in items], [i.topic for i in items]]
        if mark_outbox is not None and mark_outbox[1]:
            marking = f"WITH marked AS (UPDATE {mark_outbox[0]} SET published_at = now() WHERE seq = ANY($3::bigint[]))"
            args.append(list(mark_outbox[1]))
        rows = await conn.fetch(
            f"""
            {marking}
            INSERT INTO {self.table} (event_id, topic)
            SELECT * FROM unnest($1::uuid[], $2::text[])
            ON CONFLICT (event_id) DO NOTHING
            RETURNING event_id
            """,
            *args,
        )
        fresh: set[uuid.UUID] = {r["event_id"] for r in rows}
        claimed: list[Incoming] = []
        for item in items:
            if item.event_id in fresh:
                fresh.discard(item.event_id)
                claimed.append(item)
        return claimed

    async def prune(self, conn: asyncpg.Connection | asyncpg.Pool, keep_s: float, limit: int = 10_000) -> int:
        """Forget event ids applied more than ``keep_s`` ago (at most ``limit`` at a time): an event redelivered
        later than that would be applied again (README "Delivery guarantees")."""
        status = await conn.execute(
            f"""DELETE FROM {self.table} WHERE event_id IN (
                    SELECT event_id FROM {self.table} WHERE applied_at < now() - make_interval(secs => $1) LIMIT $2)""",
            keep_s,
            limit,
        )
        return int(status.split()[-1])
