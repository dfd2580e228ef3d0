"""A proposal previewed the way the listings API will preview it: each service's own ``POST /preview`` over HTTP,
in pipeline order, each given what the one before would pass on. No service records or emits anything."""

from __future__ import annotations

import json
from typing import Any

from asinflow_runtime.service import ServiceRuntime

from tests.support.http import ok, post


async def preview_pipeline(services: dict[str, ServiceRuntime], data: dict[str, Any]) -> dict[str, Any]:
    """``{"state", "codes", "asin", "steps"}``: the state the pipeline would leave the proposal in (rejected,
    throttled, active, inactive, suppressed, waiting_for_parent), the codes of the issues it would carry, the
    ASIN, and every service's answer by service name."""
    steps: dict[str, Any] = {}

    async def ask(service: str, body: Any) -> dict[str, Any]:
        steps[service] = await ok(post(services[service], "/preview", body))
        return dict(steps[service])

    def end(state: str, answer: dict[str, Any], asin: str | None = None) -> dict[str, Any]:
        return {"state": state, "codes": [i["code"] for i in answer["issues"]], "asin": asin, "steps": steps}

    validation = await ask("identifier-validation", json.dumps(data).encode())
    if validation["outcome"] != "validated":
        return end(validation["outcome"], validation)
    matching = await ask("duplicate-matching", validation["passes_on"])
    if matching["outcome"] == "rejected":
        return end("rejected", matching)
    gating = await ask("brand-gating", matching["passes_on"])
    if gating["outcome"] == "rejected":
        return end("rejected", gating)
    quota = await ask("creation-quota", {"listing": gating["passes_on"]})
    if quota["outcome"] != "granted":
        return end(quota["outcome"], quota)
    catalog = await ask("catalog", quota["passes_on"])
    activation = await ask("activation", catalog["passes_on"])
    return end(activation["state"], gating, catalog["asin"])
