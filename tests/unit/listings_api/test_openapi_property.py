"""A property-based run of the listings API's OpenAPI document (schemathesis): requests generated from the document,
valid and invalid, for every operation, sent to the app (ASGI, in process) over fake owners, a fake broker and fake
stores, with a seller's key and with an operator's. No answer is a 5xx, and every answer conforms to the document
(its status is documented, its body matches the schema)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from asinflow_listings_api.app import Deps, create_app
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.support.api_fakes import (
    FakeApprovalRequests,
    FakeDeadLetters,
    Recorder,
    SchemaOwners,
    find_key,
    letter,
    request_row,
)

pytestmark = pytest.mark.unit

APP = create_app(
    Deps(
        find_key,
        SchemaOwners(),
        Recorder(),
        FakeApprovalRequests([request_row("AR-1", "S-1"), request_row("AR-2", "S-2")]),
        FakeDeadLetters([letter(1), letter(2, "TOO_LARGE")]),
    )
)
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
KEYS = {"seller": {"X-Api-Key": "afk_s1"}, "operator": {"Authorization": "Bearer afk_op"}}
#: Examples per operation and phase: ~15 operations x 2 keys stay under ~30 s.
EXAMPLES = 25


@pytest.mark.parametrize("key", sorted(KEYS))
@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
def test_no_answer_is_a_server_error_and_every_answer_conforms_to_the_document(case: Any, key: str) -> None:
    if key == "seller":  # its own data (another seller's is refused before anything: the walks test that)
        if "seller" in (case.path_parameters or {}):
            case.path_parameters["seller"] = "S-1"
        if isinstance(case.query, dict) and "seller" in case.query:
            case.query["seller"] = "S-1"
    case.call_and_validate(
        headers=KEYS[key], checks=[not_a_server_error, status_code_conformance, response_schema_conformance]
    )
