"""Redis: the client factory (the quota service keeps its counters there)."""

from __future__ import annotations

from redis.asyncio import Redis


def create_redis(url: str) -> Redis:
    """An asyncio Redis client; connections are opened lazily by the first command."""
    return Redis.from_url(url, decode_responses=False, health_check_interval=30, socket_connect_timeout=5)
