"""The owners' HTTP routes (their queries and previews), called with httpx: ``asinflow_runtime.owners`` (the
``asinflow`` CLI asks them the same way). Each owner's base URL comes from the API's settings, else from its latest
heartbeat. An owner that cannot be reached, or answers 5xx or no JSON, is ``OwnerUnavailable``: the API answers 503
naming it; any other answer goes back to the caller of ``call``."""

from __future__ import annotations

import asyncpg
from asinflow_runtime.owners import Directory, HttpOwners, OwnerAnswer, Owners, OwnerUnavailable, segment

from asinflow_listings_api.config import ApiSettings

__all__ = ["Directory", "HttpOwners", "OwnerAnswer", "OwnerUnavailable", "Owners", "directory", "segment"]


def directory(pool: asyncpg.Pool, settings: ApiSettings) -> Directory:
    """Where each owner serves: the settings' URLs first, else its heartbeat (cached ``heartbeat_ttl_s``)."""
    return Directory(
        pool,
        urls=settings.owner_urls,
        url_template=settings.owner_url_template,
        heartbeat_ttl_s=settings.heartbeat_ttl_s,
    )
