-- A row's age is counted from when it was written, not from when its transaction began: a long batch
-- transaction must not commit rows that already look stale to the relay (it would publish them twice).
ALTER TABLE outbox ALTER COLUMN created_at SET DEFAULT clock_timestamp();

-- A row the broker refused for a reason retrying cannot fix (too large, …): skipped by the relay, visible in
-- `asinflow status` and `asinflow outbox`, published again by `asinflow outbox retry` once the cause is fixed.
ALTER TABLE outbox ADD COLUMN failed_at timestamptz;
ALTER TABLE outbox ADD COLUMN error text;
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (seq) WHERE published_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_failed ON outbox (seq) WHERE published_at IS NULL AND failed_at IS NOT NULL;
