"""The AsyncAPI document in docs/ is the published contract: it must be the one the code generates."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from asinflow_cli.asyncapi import build
from asinflow_contracts.registry import EVENT_MODELS

pytestmark = pytest.mark.unit

DOC = Path(__file__).parents[2] / "docs" / "asyncapi.yaml"


def test_published_document_matches_the_code() -> None:
    generated = yaml.safe_load(build().to_specification().to_yaml())  # FastStream orders channels by hash
    assert yaml.safe_load(DOC.read_text()) == generated, "run `make asyncapi` and commit docs/asyncapi.yaml"


def test_every_event_of_the_registry_has_a_channel_with_its_schema() -> None:
    text = DOC.read_text()
    for topic, model in EVENT_MODELS.items():
        assert topic in text
        assert f"#/components/schemas/{model.__name__}" in text
