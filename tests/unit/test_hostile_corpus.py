"""The hostile corpus read the way the pipeline reads it, without I/O: each junk message fails where and
how the corpus says, and the valid example each typed kind breaks is itself valid (so the kind tests the
one thing it changes)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from asinflow_contracts import topics
from asinflow_contracts.proposal_reading import read_proposal_data
from asinflow_contracts.registry import EVENT_MODELS
from asinflow_runtime.intake import receive
from asinflow_runtime.messages import Unreadable
from asinflow_runtime.records import validated

from tests.support.hostile import REJECTED, Junk, junk_for, valid_example

pytestmark = pytest.mark.unit

CONSUMED = sorted(EVENT_MODELS.keys() - {topics.LISTING_STATE_CHANGED})


@dataclass
class Record:
    topic: str
    value: bytes | None
    key: bytes | None
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    partition: int = 0
    offset: int = 0


def outcome(j: Junk) -> str:
    """What the pipeline makes of the message: a dead-letter reason, REJECTED, or "applied"."""
    try:
        received = receive(Record(j.topic, j.value, j.key, j.headers))
        if j.topic == topics.LISTING_PROPOSED:
            read = read_proposal_data(received.data, received.size)
            if read.unreadable is not None:
                return "unparseable_proposal"
            return REJECTED if read.errors else "applied"
        validated(received, EVENT_MODELS[j.topic])
    except Unreadable as exc:
        return exc.reason
    return "applied"


@pytest.mark.parametrize("topic", CONSUMED)
def test_every_junk_message_fails_as_the_corpus_says(topic: str) -> None:
    for j in junk_for(topic, "unit", five_mb=True):
        got = outcome(j)
        if j.expect == REJECTED:
            assert got == REJECTED, (j.kind, got)
        else:
            assert got in j.expect, (j.kind, got)


@pytest.mark.parametrize("topic", CONSUMED)
def test_the_examples_the_typed_kinds_break_are_valid(topic: str) -> None:
    example = valid_example(topic, "S-1", "SKU-1")
    if topic == topics.LISTING_PROPOSED:
        assert read_proposal_data(example).proposal is not None
    else:
        EVENT_MODELS[topic].model_validate(example)


def test_the_corpus_has_every_kind_the_issue_lists() -> None:
    kinds = {topic: {j.kind for j in junk_for(topic, "x", five_mb=True)} for topic in CONSUMED}
    common = {"not-json", "invalid-utf8-body", "empty-body", "null-body", "json-null", "nested-200000"}
    common |= {"5000-digit-integer", "5mb-body", "invalid-utf8-header", "garbage-ce-id", "garbage-ce-time"}
    common |= {"ce-without-id", "forged-ce-type", "null-key"}
    for topic, found in kinds.items():
        assert common <= found, topic
        if topic != topics.LISTING_PROPOSED:
            assert {"nan", "infinity"} <= found, topic
    carrying_a_proposal = [t for t in CONSUMED if "proposal" in valid_example(t, "S", "K")]
    assert carrying_a_proposal and all("deep" in kinds[t] for t in carrying_a_proposal)
    assert {
        "quantity-2^31",
        "quantity-2^63",
        "price-nan",
        "priority-infinity",
        "nul-title",
        "unknown-enum",
        "unknown-field-600-deep",
        "over-256-kib",
        "wrong-type",
    } <= kinds[topics.LISTING_PROPOSED]
    assert {"int-2^31", "unknown-enum", "nul", "wrong-type"} <= kinds[topics.LISTING_DEACTIVATED]
