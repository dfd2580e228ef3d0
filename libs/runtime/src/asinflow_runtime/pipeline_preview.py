"""The whole pipeline's decision on a proposal, without effects: the listings API's ``PUT …?mode=preview`` and
``asinflow publish --preview`` both use it.

Nobody here decides anything: each owner answers ``POST /preview`` with its own decision over its own read model
(identifier validation, duplicate matching, brand gating, creation quota, catalog, activation: pipeline order)
and, when the listing would go on, the payload it would pass on, which is the next owner's question. The chain
stops at the first owner that would not pass it on (rejected, throttled, waiting for a parent). ``Stage``,
``passed_on`` and ``result`` are pure: what each owner is asked given the previous answer, and what the answers add
up to; ``preview`` asks them (``asinflow_runtime.owners``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from asinflow_runtime.owners import Owners, OwnerUnavailable

if TYPE_CHECKING:
    from asinflow_runtime.upstream import Proposal


@dataclass(frozen=True)
class Stage:
    service: str
    #: Outcomes after which the listing goes on to the next stage (its ``passes_on`` is the next question).
    passes: frozenset[str]

    def question(self, passed_on: dict[str, Any]) -> dict[str, Any]:
        """The body of this owner's ``POST /preview`` given what the previous owner would pass on."""
        if self.service == "creation-quota":
            return {"listing": passed_on}
        return passed_on


#: After identifier validation (asked with the proposal itself), in pipeline order.
VALIDATION = "identifier-validation"
STAGES: tuple[Stage, ...] = (
    Stage(VALIDATION, frozenset({"validated"})),
    Stage("duplicate-matching", frozenset({"matched", "unmatched"})),
    Stage("brand-gating", frozenset({"cleared"})),
    Stage("creation-quota", frozenset({"granted"})),
    Stage("catalog", frozenset({"attach", "mint"})),
    Stage("activation", frozenset()),  # the last: its answer is the state the listing would be in
)


def outcome_of(stage: Stage, answer: dict[str, Any]) -> str:
    """What the owner would do (activation answers with the state it would put the listing in)."""
    return str(answer.get("outcome") or answer.get("state") or "unknown")


def passed_on(stage: Stage, answer: dict[str, Any]) -> dict[str, Any] | None:
    """The next owner's question, or None when the listing would stop here."""
    if outcome_of(stage, answer) not in stage.passes:
        return None
    payload = answer.get("passes_on")
    return payload if isinstance(payload, dict) else None


@dataclass(frozen=True)
class StageAnswer:
    stage: Stage
    answer: dict[str, Any]


def result(listing_id: str, proposal_id: str, answers: list[StageAnswer]) -> dict[str, Any]:
    """What the answers add up to: ``VALID`` unless an owner would reject the listing, the state it would end in,
    every issue in pipeline order, the ASIN and how it would be matched, and each owner's own answer."""
    issues = [issue for a in answers for issue in a.answer.get("issues", []) or []]
    last = answers[-1]
    outcome = outcome_of(last.stage, last.answer)
    verdict: Literal["VALID", "INVALID"] = "INVALID" if outcome == "rejected" else "VALID"
    matching = _answer_of(answers, "duplicate-matching")
    catalog = _answer_of(answers, "catalog")
    quota = _answer_of(answers, "creation-quota")
    return {
        "result": verdict,
        "outcome": outcome,
        "listing_id": listing_id,
        "proposal_id": proposal_id,
        "code": last.answer.get("code") if verdict == "INVALID" else None,
        "asin": (catalog or {}).get("asin") or (matching or {}).get("asin"),
        "match_kind": (matching or {}).get("match_kind"),
        "throttled_until": (quota or {}).get("capacity_returns_at") if outcome == "throttled" else None,
        "issues": issues,
        "stages": [
            {"service": a.stage.service, "outcome": outcome_of(a.stage, a.answer), "answer": a.answer} for a in answers
        ],
    }


def _answer_of(answers: list[StageAnswer], service: str) -> dict[str, Any] | None:
    return next((a.answer for a in answers if a.stage.service == service), None)


async def preview(owners: Owners, proposal: Proposal) -> dict[str, Any]:
    """Ask each owner's ``POST /preview`` in pipeline order; ``result`` of their answers. An owner that refuses
    the question is ``OwnerUnavailable``: the proposal passed the contracts, and each question is the previous
    owner's own payload, so a refusal means the owners disagree on a contract, not that the caller erred."""
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
            raise OwnerUnavailable(stage.service, f"it refused the preview ({answer.status}): {answer.error}")
        answers.append(StageAnswer(stage, answer.body))
        question = passed_on(stage, answer.body)
    return result(str(proposal.listing_id), str(proposal.event_id), answers)
