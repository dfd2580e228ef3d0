"""Dead letters: the reading and replaying code lives in ``asinflow_runtime.dead_letters`` (the listings API uses
it too); re-exported here for the CLI's commands and the tests that read dead letters."""

from asinflow_runtime.dead_letters import Letter, chosen, kept_headers, kept_record, read_letters, replay

__all__ = ["Letter", "chosen", "kept_headers", "kept_record", "read_letters", "replay"]
