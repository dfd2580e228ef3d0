CREATE TABLE service_heartbeat (
    service       text PRIMARY KEY,
    instance      text NOT NULL,
    started_at    timestamptz NOT NULL,
    beat_at       timestamptz NOT NULL,
    ready         boolean NOT NULL,
    counters      jsonb NOT NULL DEFAULT '{}'::jsonb
);
