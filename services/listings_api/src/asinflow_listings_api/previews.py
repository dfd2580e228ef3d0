"""``PUT …?mode=preview``: ask each owner's ``POST /preview`` in pipeline order (``domain.preview``)."""

from __future__ import annotations

from typing import Any

from asinflow_runtime.upstream import Proposal

from asinflow_listings_api.adapters.owners import Owners, OwnerUnavailable
from asinflow_listings_api.domain.preview import STAGES, StageAnswer, passed_on, result


async def preview(owners: Owners, proposal: Proposal) -> dict[str, Any]:
    answers: list[StageAnswer] = []
    question: dict[str, Any] | None = None
    for stage in STAGES:
        if question is None and answers:
            break
        if not answers:  # identifier validation reads the proposal as the pipeline receives it
            answer = await owners.call(
                "POST",
                stage.service,
                "/preview",
                content=proposal.raw,
                headers={"content-type": "application/json", "ce-id": str(proposal.event_id)},
            )
        else:
            assert question is not None
            answer = await owners.call("POST", stage.service, "/preview", json=stage.question(question))
        if answer.status != 200 or not isinstance(answer.body, dict):
            # the proposal passed the contracts here, and each question is the previous owner's own payload:
            # a refusal means the owners disagree on a contract, not that the caller erred
            raise OwnerUnavailable(stage.service, f"it refused the preview ({answer.status}): {answer.error}")
        answers.append(StageAnswer(stage, answer.body))
        question = passed_on(stage, answer.body)
    return result(str(proposal.listing_id), str(proposal.event_id), answers)
