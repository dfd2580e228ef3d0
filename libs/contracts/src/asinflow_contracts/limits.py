"""The documented size and value limits of every contract (README "Limits"; the AsyncAPI document shows them).

They live here, not in column types: a value outside them is the sender's fault, rejected or dead-lettered
with a reason at the first service that reads it, so no store and no downstream event ever sees it.
"""

from __future__ import annotations

from decimal import Decimal

#: The largest message any asinflow producer sends and any consumer accepts for processing (the producer's
#: ``max_request_size``; Kafka's ``message.max.bytes`` in docker-compose.yml is aligned with it). A consumed
#: message above it goes to the dead-letter topic truncated (reason ``too_large``), its full body kept in
#: PostgreSQL (``ops.dead_letter_bodies``) where ``asinflow dlq`` reaches it.
MAX_MESSAGE_BYTES = 1_048_576

#: A ``listing.proposed`` body above this is rejected ``SCHEMA_INVALID`` at the first hop (when it names its
#: listing), so that no downstream event, which carries the proposal, can exceed ``MAX_MESSAGE_BYTES``.
MAX_PROPOSAL_BYTES = 262_144

#: Bytes of the original body kept in a truncated dead letter.
DEAD_LETTER_PREVIEW_BYTES = 4_096

#: Deepest nesting of JSON arrays and objects accepted anywhere in a body (unknown fields included).
MAX_JSON_DEPTH = 32

#: Integers anywhere in a body (unknown fields included) must fit a signed 64-bit integer.
MAX_JSON_INTEGER = 2**63 - 1

#: Sellable quantity of a listing (inventory and proposals).
MAX_QUANTITY = 999_999_999

#: Quota release priority of a proposal.
MIN_PRIORITY = -1_000_000
MAX_PRIORITY = 1_000_000

#: Price amounts and sales revenue: at most this, with at most ``MONEY_DECIMAL_PLACES`` decimals.
MAX_MONEY = Decimal("999999999999.9999")
MONEY_MAX_DIGITS = 16
MONEY_DECIMAL_PLACES = 4

#: Units in one sales record.
MAX_SALES_UNITS = 999_999_999

#: Default bound of a free-text string field that names no bound of its own.
MAX_TEXT = 10_000
#: Default bound of a list field that names no bound of its own.
MAX_ITEMS = 1_000
