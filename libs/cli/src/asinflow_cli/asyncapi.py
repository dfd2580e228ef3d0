"""The published contract: an AsyncAPI 3.0 document generated from the code (``make asyncapi``).

Every event of the registry is a channel with its pydantic schema; each service's subscriber is listed with
the topics it consumes. Run: ``python -m asinflow_cli.asyncapi > docs/asyncapi.yaml``.
"""

from __future__ import annotations

from asinflow_contracts.registry import EVENT_MODELS
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

from asinflow_cli.services import SERVICES

DESCRIPTION = (
    "Events of the asinflow listing lifecycle. Every message carries CloudEvents 1.0 attributes in Kafka headers "
    "(binary content mode: ce_id, ce_type = the topic name, ce_source, ce_time, ce_specversion, ce_subject = listing "
    "id, and the extensions ce_causationid / ce_causationtype naming the event that caused it). The message key is "
    "the listing id (UUIDv5 of seller_id and sku) for listing events, the seller id for seller events "
    "(seller.sales.recorded, seller.creation.restored), the ASIN for catalog items, and the brand's normalised key "
    "(asinflow_brands.brand_key) for brand registry events (brand.*), so that one brand's changes of one kind stay "
    "in order; the brand-gating service also copes with changes of different kinds arriving out of order (an event "
    "that needs a brand, request, authorisation or exemption not there yet waits for it; grants and revocations "
    "are ordered by ce_time). Limits: a message is at most 1,048,576 bytes (key, value and headers); a "
    "listing.proposed body at most 262,144 bytes; no NUL characters or lone surrogates in any string, every number "
    "finite; a proposal's unknown fields (kept) and matching evidence nested at most 30 levels with integers within "
    "64 bits (other events' unknown fields are ignored); each field's own bounds are in its schema. "
    "Every consumer checks each message against its contract before applying it. A proposal that names its listing "
    "but breaks the contract is rejected SCHEMA_INVALID on that listing; any other unreadable message goes to "
    "`<topic>.dlq` with dlq_reason (too_large, bad_headers, bad_envelope, empty_body, not_json, schema_invalid, "
    "unparseable_proposal, handler_error), dlq_error, dlq_original_topic, dlq_original_partition, "
    "dlq_original_offset and dlq_service headers; a dead letter too large to publish whole carries the first 4,096 "
    "bytes of the body and dlq_truncated, dlq_original_size and dlq_original_sha256 (the whole record is kept by "
    "the stack, see `asinflow dlq show`)."
)


def build() -> AsyncAPI:
    broker = KafkaBroker("kafka:9092", description="Apache Kafka (or the embedded Tansu broker)")
    for topic, model in EVENT_MODELS.items():
        broker.publisher(topic, schema=model, title=f"{topic}", description=(model.__doc__ or "").strip())
    for spec, _ in SERVICES:

        async def handler(body: bytes) -> None:  # documentation only; the real subscribers live in the services
            return None

        subscriber = broker.subscriber(
            *spec.consumes, group_id=spec.name, title=f"{spec.name}:consume", description=spec.description
        )
        subscriber(handler)
    return AsyncAPI(broker, title="asinflow events", version="1.0.0", description=DESCRIPTION)


def main() -> None:
    print(build().to_specification().to_yaml())


if __name__ == "__main__":
    main()
