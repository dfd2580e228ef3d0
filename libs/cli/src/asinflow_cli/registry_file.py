"""A brand-registry file: JSON Lines of registry events, ``{"event": "brand.registered", "data": {...}}``,
published in order (``asinflow brand load``, ``asinflow run --registry``). Event ids derive from the
content, so loading the same file twice changes nothing."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from asinflow_brands import registry_message_key
from asinflow_contracts import topics
from asinflow_contracts.registry import EVENT_MODELS
from asinflow_runtime.settings import InfraSettings
from pydantic import BaseModel, ValidationError

from asinflow_cli import client, connect
from asinflow_cli.errors import validation_message
from asinflow_cli.publishing import send_event, wait_applied
from asinflow_cli.roster import schema_of

BRAND_GATING = schema_of("brand-gating")
VALIDATION = schema_of("identifier-validation")
#: The brand registry's events, with their models as published in the contract.
REGISTRY_MODELS: dict[str, type[BaseModel]] = {topic: EVENT_MODELS[topic] for topic in topics.BRAND_REGISTRY_TOPICS}


def message_key(event: BaseModel) -> str:
    """The Kafka key of a registry event: its brand's normalised key ("-" when nothing is left of it)."""
    return registry_message_key(str(getattr(event, "brand", "")))


async def outcome_of(c: client.Client, event_id: uuid.UUID) -> tuple[bool, str]:
    """Whether the brand-gating service applied a registry event, and why not (``GET /registry-events/{id}``)."""
    answer = await c.get("brand-gating", f"/registry-events/{event_id}")
    if answer is None:
        return False, "the brand-gating service has not recorded this event"
    return bool(answer["applied"]), str(answer["reason"])


def owners(topic: str) -> tuple[str, ...]:
    """The schemas of the services that apply a registry event: the brand-gating service, and for
    exemptions identifier validation too (it keeps its own copy of them)."""
    if topic in (topics.EXEMPTION_GRANTED, topics.EXEMPTION_REVOKED):
        return (BRAND_GATING, VALIDATION)
    return (BRAND_GATING,)


class RegistryFileError(ValueError):
    """A line that is not a registry event."""


@dataclass(frozen=True)
class RegistryLine:
    number: int
    topic: str
    event: BaseModel


def read_registry(path: Path) -> list[RegistryLine]:
    """Every non-blank line as a registry event; ``RegistryFileError`` names the first bad line."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise RegistryFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if b"\0" in content[:8192]:
        raise RegistryFileError(f"{path}: a binary file, not JSON Lines of registry events")
    lines = []
    for number, data in enumerate(content.splitlines(), start=1):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RegistryFileError(f"{path}:{number}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
        if not text.strip():
            continue
        try:
            raw = json.loads(text)
            topic = topics.topic(str(raw["event"]))
            model = REGISTRY_MODELS[topic]
            lines.append(RegistryLine(number, topic, model.model_validate(raw["data"])))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, RecursionError) as exc:
            if isinstance(exc, ValidationError):
                raise RegistryFileError(f"{path}:{number}: {validation_message(exc)}") from exc
            raise RegistryFileError(
                f'{path}:{number}: expected {{"event": <registry event>, "data": {{...}}}} ({exc})'
            ) from exc
    return lines


async def publish_registry(settings: InfraSettings, lines: list[RegistryLine], timeout: float = 30.0) -> list[str]:
    """Publish every line, wait until applied; returns one message per refused line."""
    sent = []
    async with connect.producer(settings) as producer:
        for line in lines:
            sent.append((line, await send_event(producer, line.topic, message_key(line.event), line.event)))
    refused = []
    async with connect.database(settings) as pool:
        for line, event_id in sent:
            for schema in owners(line.topic):
                await wait_applied(pool, schema, event_id, timeout)
    async with client.connected(settings) as c:
        for line, event_id in sent:
            applied, reason = await outcome_of(c, event_id)
            if not applied:
                refused.append(f"line {line.number} ({line.topic}): refused: {reason}")
    return refused
