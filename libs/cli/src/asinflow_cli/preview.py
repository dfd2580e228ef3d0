"""``publish --preview``: the processing report the identifier-validation step would produce, offline."""

from __future__ import annotations

import contextlib
from typing import Any

from asinflow_identifier_validation.adapters.postgres import load_exemptions
from asinflow_identifier_validation.domain.exemptions import Exemption
from asinflow_identifier_validation.domain.validation import decide
from asinflow_lifecycle_ledger.adapters.queries import summarise

from asinflow_cli import connect, stackfile
from asinflow_cli.feed import FeedLine


async def _exemptions(cited: list[str]) -> tuple[dict[str, Exemption], bool]:
    """Exemptions from the running stack, if there is one; ``False`` when they could not be checked."""
    with contextlib.suppress(Exception):
        async with connect.database(stackfile.resolve()) as pool, pool.acquire() as conn:
            return await load_exemptions(conn, cited), True
    return {}, False


async def preview_report(lines: list[FeedLine]) -> dict[str, Any]:
    readable = [line for line in lines if line.publishable]
    cited = [ln.read.proposal.exemption_id for ln in readable if ln.read.proposal and ln.read.proposal.exemption_id]
    exemptions, checked = await _exemptions(cited)
    items = []
    for line in readable:
        decision = decide(line.read, exemptions)
        if not checked and decision.rejected and decision.issues[0].attribute == "exemption_id":
            state, issues = "validated?", []  # cannot tell without the exemption table
        else:
            state = "rejected" if decision.rejected else "validated"
            issues = [i.model_dump(mode="json") for i in decision.issues]
        items.append(
            {
                "line": line.number,
                "seller_id": line.read.seller_id,
                "sku": line.read.sku,
                "state": state,
                "asin": None,
                "issues": issues,
            }
        )
    batch_ids = {ln.read.data.get("batch_id") for ln in readable}
    batch = next(iter(batch_ids)) if len(batch_ids) == 1 else None
    report = {
        "batch_id": batch,
        "preview": True,
        "exemptions_checked": checked,
        **summarise(items, {"validated", "rejected"}),
        "items": items,
    }
    report["unreadable_lines"] = [ln.number for ln in lines if not ln.publishable]
    return report
