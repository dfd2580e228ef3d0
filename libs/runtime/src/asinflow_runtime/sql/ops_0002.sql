-- Why a service is not ready (null when it is).
ALTER TABLE service_heartbeat ADD COLUMN reason text;

-- Whole records of dead letters too large to publish whole: their dead letter is truncated and names the
-- SHA-256 of the body; `asinflow dlq show` and `asinflow dlq replay` read the original from here.
CREATE TABLE dead_letter_bodies (
    sha256     text NOT NULL,
    service    text NOT NULL,
    topic      text NOT NULL,
    partition  integer NOT NULL,
    "offset"   bigint NOT NULL,
    size       bigint NOT NULL,
    key        bytea,
    value      bytea NOT NULL,
    headers    jsonb NOT NULL,
    reason     text NOT NULL,
    error      text NOT NULL,
    stored_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service, topic, partition, "offset")
);
CREATE INDEX dead_letter_bodies_sha256 ON dead_letter_bodies (sha256);
