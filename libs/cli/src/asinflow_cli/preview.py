"""``publish --preview``: what the pipeline would do with each line of a feed, without effects, as the running
services answer it: each line goes through the owners' ``POST /preview`` chain (identifier validation, duplicate
matching, brand gating, creation quota, catalog, activation), the same code as the listings API's ``PUT
…?mode=preview`` (``asinflow_runtime.pipeline_preview``). The CLI decides nothing itself; without a reachable
stack there is no preview (``PreviewUnavailable``).

Each line is previewed on its own against what the services know now: lines of one feed do not see each other
(a parent in the same feed is not validated yet, so its children would wait for it; two lines of one seller do
not take units from each other's weekly quota)."""

from __future__ import annotations

import asyncio
from typing import Any

from asinflow_contracts.reports import summarise
from asinflow_runtime.owners import OwnerUnavailable
from asinflow_runtime.pipeline_preview import preview
from asinflow_runtime.settings import NotConfigured

from asinflow_cli import client
from asinflow_cli.feed import FeedLine
from asinflow_cli.roster import SETTLED_STATES

#: Lines previewed at once (each is a chain of up to six requests).
CONCURRENCY = 8


class PreviewUnavailable(RuntimeError):
    """No stack to ask: the preview is the services' own answer, so there is none without them."""


async def preview_report(lines: list[FeedLine]) -> dict[str, Any]:
    readable = [line for line in lines if line.publishable]
    try:
        async with client.connected() as c:
            gate = asyncio.Semaphore(CONCURRENCY)

            async def one(line: FeedLine) -> dict[str, Any]:
                async with gate:
                    return await preview(c.owners, line.proposal)

            answers = await asyncio.gather(*(one(line) for line in readable))
    except (NotConfigured, OwnerUnavailable, OSError) as exc:
        hint = "." if isinstance(exc, NotConfigured) else "; is `asinflow run` still running?"
        raise PreviewUnavailable(
            "no preview: publish --preview asks the running services (the same previews as the listings API's "
            f"PUT ?mode=preview) and cannot reach them: {exc}{hint} Nothing was published."
        ) from exc
    items = [
        {
            "line": line.number,
            "seller_id": line.read.seller_id,
            "sku": line.read.sku,
            "state": answer["outcome"],
            "result": answer["result"],
            "code": answer["code"],
            "asin": answer["asin"],
            "match_kind": answer["match_kind"],
            "throttled_until": answer["throttled_until"],
            "issues": answer["issues"],
        }
        for line, answer in zip(readable, answers, strict=True)
    ]
    batch_ids = {ln.read.data.get("batch_id") for ln in readable}
    batch = next(iter(batch_ids)) if len(batch_ids) == 1 else None
    return {
        "batch_id": batch,
        "preview": True,
        **summarise(items, SETTLED_STATES),
        "items": items,
        "unreadable_lines": [ln.number for ln in lines if not ln.publishable],
    }
