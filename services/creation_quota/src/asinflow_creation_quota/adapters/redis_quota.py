"""Weekly creation counters in Redis: one atomic script per grant, one pipelined round trip per batch.

Key layout, per seller and ISO week (``seller`` percent-encoded so ``{``, ``}`` and ``:`` cannot occur;
the ``{...}`` hash tag puts all of a seller's keys in one cluster slot, as a script's keys must be):

- ``quota:{S-1001}:2026-W48:used``: a string counter, the units of that week granted so far;
- ``quota:{S-1001}:2026-W48:grants``: a hash, listing id -> the unit it got (1, 2, ...): the idempotency
  record that makes a redelivered event harmless.

Both expire at the next week's start plus the grace period (EXPIREAT on every grant), so counters reset
weekly without a cron job, and the previous week's grants are still there to recognise an event granted
on Sunday night and redelivered on Monday morning (which therefore must not consume a second unit).

The script (``grant.lua``) checks both weeks' grants, then the count against the limit, then increments
and records; Redis runs it atomically, so concurrent consumers never grant more than the limit. The
seller's per-week creation counts that the withdrawal rule reads over four weeks are kept in PostgreSQL
by the service (they must outlive these counters); the ``used`` counter is only this week's gate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib.resources import files
from urllib.parse import quote

from redis.asyncio import Redis
from redis.exceptions import NoScriptError

from asinflow_creation_quota.domain.grants import CounterHoldings, GrantRequest, GrantResult, GrantStatus
from asinflow_creation_quota.domain.weeks import DEFAULT_GRACE, counter_expiry, iso_week, previous_week

__all__ = [
    "GRANT_SCRIPT",
    "GrantRequest",
    "GrantResult",
    "GrantStatus",
    "QuotaKeys",
    "QuotaStore",
    "RedisQuotaCounters",
    "quota_keys",
    "seller_tag",
]

GRANT_SCRIPT = files("asinflow_creation_quota.adapters").joinpath("grant.lua").read_text(encoding="utf-8")
GRANT_SHA = hashlib.sha1(GRANT_SCRIPT.encode()).hexdigest()

_SAFE = "-_.~@+=!*"  # left as is in seller ids; everything else is percent-encoded


_STATUS = {1: GrantStatus.GRANTED, 2: GrantStatus.ALREADY_GRANTED, 3: GrantStatus.ALREADY_GRANTED}


@dataclass(frozen=True)
class QuotaKeys:
    used: str
    grants: str


def seller_tag(seller_id: str) -> str:
    return quote(seller_id, safe=_SAFE)


def quota_keys(seller_id: str, week: str) -> QuotaKeys:
    prefix = f"quota:{{{seller_tag(seller_id)}}}:{week}"
    return QuotaKeys(used=f"{prefix}:used", grants=f"{prefix}:grants")


class RedisQuotaCounters:
    """The quota counters of every seller, in one Redis (or cluster: a seller's keys share a slot); implements
    ``store.QuotaCounters``."""

    def __init__(self, redis: Redis, grace: timedelta = DEFAULT_GRACE) -> None:
        self._redis = redis
        self._grace = grace
        if grace < timedelta(0):
            raise ValueError("grace must not be negative")

    async def ping(self) -> None:
        await self._redis.ping()

    async def load_script(self) -> None:
        """Load the script now (optional: the first batch loads it on NOSCRIPT otherwise)."""
        await self._redis.script_load(GRANT_SCRIPT)

    async def grant_many(self, requests: Sequence[GrantRequest]) -> list[GrantResult]:
        """One script call per request, all in one pipelined round trip; results in request order.

        Requests naming the same listing twice get one grant and one ``ALREADY_GRANTED``. A batch may be
        retried as a whole after an error: the script is idempotent per listing id.
        """
        replies: list[object] = list(await self._run(requests))
        missing = [i for i, reply in enumerate(replies) if isinstance(reply, NoScriptError)]
        if missing:  # the server does not know the script (restarted, flushed): load it, redo those calls
            await self.load_script()
            for i, reply in zip(missing, await self._run([requests[i] for i in missing]), strict=True):
                replies[i] = reply
        for reply in replies:
            if isinstance(reply, Exception):
                raise reply
        return [self._result(request, reply) for request, reply in zip(requests, replies, strict=True)]

    async def try_grant(self, seller_id: str, listing_id: str, limit: int, at: datetime) -> GrantResult:
        """One grant (a release of one throttled listing, say); batches should use ``grant_many``."""
        [result] = await self.grant_many([GrantRequest(seller_id, listing_id, limit, at)])
        return result

    async def usage(self, seller_id: str, week: str) -> int:
        """Units of ``week`` granted so far (0 once the week's counters have expired)."""
        value = await self._redis.get(quota_keys(seller_id, week).used)
        return int(value or 0)

    async def usage_many(self, seller_weeks: Collection[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Units granted so far per (seller, week), in one pipelined round trip."""
        asked = sorted(set(seller_weeks))
        if not asked:
            return {}
        async with self._redis.pipeline(transaction=False) as pipe:
            for seller_id, week in asked:
                pipe.get(quota_keys(seller_id, week).used)
            values = await pipe.execute()
        return {key: int(value or 0) for key, value in zip(asked, values, strict=True)}

    async def holdings(self, requests: Sequence[GrantRequest]) -> CounterHoldings:
        """What the counters hold that these requests' grants would read (each seller-week's count, and the units
        the listings asked about hold in their request's week and the one before), in one pipelined round trip of
        reads: nothing is taken or recorded (previews replay them on ``InMemoryQuotaCounters``)."""
        weeks = sorted({(r.seller_id, w) for r in requests for w in (iso_week(r.at), previous_week(r.at))})
        asked = sorted(
            {(r.seller_id, w, r.listing_id) for r in requests for w in (iso_week(r.at), previous_week(r.at))}
        )
        if not weeks:
            return CounterHoldings({}, {})
        async with self._redis.pipeline(transaction=False) as pipe:
            for seller_id, week in weeks:
                pipe.get(quota_keys(seller_id, week).used)
            for seller_id, week, listing_id in asked:
                pipe.hget(quota_keys(seller_id, week).grants, listing_id)
            values = await pipe.execute()
        used = {key: int(value or 0) for key, value in zip(weeks, values[: len(weeks)], strict=True)}
        units: dict[tuple[str, str], dict[str, int]] = {}
        for (seller_id, week, listing_id), unit in zip(asked, values[len(weeks) :], strict=True):
            if unit is not None:
                units.setdefault((seller_id, week), {})[listing_id] = int(unit)
        return CounterHoldings(used, units)

    async def granted(self, seller_id: str, week: str) -> dict[str, int]:
        """Listing id -> unit, for every grant of ``week`` (operators, tests)."""
        entries = await self._redis.hgetall(quota_keys(seller_id, week).grants)
        return {_text(key): int(value) for key, value in entries.items()}

    async def _run(self, requests: Sequence[GrantRequest]) -> list[object]:
        weeks: dict[datetime, tuple[str, str, int]] = {}  # a batch shares its instant(s): compute each once
        async with self._redis.pipeline(transaction=False) as pipe:
            for request in requests:
                if request.at not in weeks:
                    expire_at = int(counter_expiry(request.at, self._grace).timestamp())
                    weeks[request.at] = (iso_week(request.at), previous_week(request.at), expire_at)
                week, last_week, expire_at = weeks[request.at]
                keys = quota_keys(request.seller_id, week)
                previous = quota_keys(request.seller_id, last_week).grants
                args = (request.listing_id, request.limit, expire_at)
                pipe.evalsha(GRANT_SHA, 3, keys.used, keys.grants, previous, *args)
            return list(await pipe.execute(raise_on_error=False))

    @staticmethod
    def _result(request: GrantRequest, reply: object) -> GrantResult:
        if not isinstance(reply, int) or reply < 0:
            raise RuntimeError(f"unexpected reply from the grant script: {reply!r}")
        number, code = divmod(reply, 4)
        week = previous_week(request.at) if code == 3 else iso_week(request.at)
        if code == 0:
            return GrantResult(request.seller_id, request.listing_id, GrantStatus.OVER_LIMIT, week, None, number)
        used = number if code == 1 else None
        return GrantResult(request.seller_id, request.listing_id, _STATUS[code], week, number, used)


#: The name the CLI, the benchmarks and the script's tests know the counters by.
QuotaStore = RedisQuotaCounters


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
