"""Reading a service's HTTP endpoints (``/readyz``, ``/metrics``) for ``asinflow status`` and ``asinflow top``:
the standard library's urllib in a thread, so the CLI needs no HTTP client package."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from typing import Any

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def get(url: str, timeout: float = 3.0) -> tuple[int, str]:
    """(status, body); status 0 when nothing answers."""

    def fetch() -> tuple[int, str]:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                return int(response.status), response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
        except (OSError, ValueError) as exc:
            return 0, str(exc)

    return await asyncio.to_thread(fetch)


async def readiness(base_url: str) -> dict[str, Any] | None:
    """The service's ``/readyz`` answer, or None when it does not answer."""
    status, body = await get(f"{base_url}/readyz")
    if status not in (200, 503):
        return None
    try:
        answer: dict[str, Any] = json.loads(body)
    except ValueError:
        return None
    return answer


async def metrics(base_url: str) -> Samples | None:
    """Every sample of the service's ``/metrics``, by (name, labels); None when it does not answer."""
    from prometheus_client.parser import text_string_to_metric_families

    status, text = await get(f"{base_url}/metrics")
    if status != 200:
        return None
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def total(samples: Samples, name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


def quantile(before: Samples, after: Samples, name: str, q: float) -> float | None:
    """The ``q`` quantile of a histogram over the interval between two scrapes (linear within a bucket)."""
    counts: dict[float, float] = {}
    for (n, labels), value in after.items():
        if n == f"{name}_bucket":
            le = dict(labels)["le"]
            bound = float("inf") if le == "+Inf" else float(le)
            counts[bound] = counts.get(bound, 0.0) + value - before.get((n, labels), 0.0)
    if not counts or counts.get(float("inf"), 0.0) <= 0:
        return None
    bounds = sorted(counts)
    rank = q * counts[float("inf")]
    lower, below = 0.0, 0.0
    for bound in bounds:
        if counts[bound] >= rank:
            if bound == float("inf"):
                return lower
            share = (rank - below) / (counts[bound] - below) if counts[bound] > below else 1.0
            return lower + (bound - lower) * share
        lower, below = bound, counts[bound]
    return lower
