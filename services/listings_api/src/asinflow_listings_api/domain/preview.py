"""``PUT …?mode=preview``: the whole pipeline's decision on a proposal, without effects. The stages and what the
owners' answers add up to live in ``asinflow_runtime.pipeline_preview`` (``asinflow publish --preview`` uses the
same code); re-exported here for the API's modules and tests."""

from asinflow_runtime.pipeline_preview import (
    STAGES,
    VALIDATION,
    Stage,
    StageAnswer,
    outcome_of,
    passed_on,
    result,
)

__all__ = ["STAGES", "VALIDATION", "Stage", "StageAnswer", "outcome_of", "passed_on", "result"]
