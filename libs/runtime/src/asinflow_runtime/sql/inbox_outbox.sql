-- Applied inside the service's own schema (search_path is set by the migration step).
CREATE TABLE inbox (
    event_id   uuid PRIMARY KEY,
    topic      text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE outbox (
    seq          bigserial PRIMARY KEY,
    event_id     uuid NOT NULL UNIQUE,
    topic        text NOT NULL,
    key          text NOT NULL,
    headers      jsonb NOT NULL,
    payload      bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);

CREATE INDEX outbox_pending ON outbox (seq) WHERE published_at IS NULL;
