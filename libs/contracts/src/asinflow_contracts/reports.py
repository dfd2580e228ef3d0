"""The summary of a feed processing report (DESIGN §6): counts per state and per error code over its items.

Pure: the lifecycle ledger sums up what a feed became (``GET /feeds/{batch_id}/report``), and the ``asinflow`` CLI
sums up what ``asinflow run --once`` waited for and what ``asinflow publish --preview`` says a feed would become,
all with this one function."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any


def summarise(items: Sequence[dict[str, Any]], settled_states: Collection[str]) -> dict[str, Any]:
    """``lines``, ``settled``, ``accepted``, ``invalid``, ``errors``, ``warnings``, ``by_state``, ``by_code`` of
    items that each have a ``state`` and ``issues`` (``code``, ``severity``)."""
    by_state = Counter(i["state"] for i in items)
    by_code = Counter(issue["code"] for i in items for issue in i["issues"] if issue.get("severity") == "ERROR")
    errors = sum(1 for i in items for issue in i["issues"] if issue.get("severity") == "ERROR")
    warnings = sum(1 for i in items for issue in i["issues"] if issue.get("severity") == "WARNING")
    return {
        "lines": len(items),
        "settled": sum(1 for i in items if i["state"] in settled_states),
        "accepted": sum(1 for i in items if i["state"] != "rejected"),
        "invalid": by_state.get("rejected", 0),
        "errors": errors,
        "warnings": warnings,
        "by_state": dict(sorted(by_state.items())),
        "by_code": dict(sorted(by_code.items())),
    }
