-- The creation-quota service's tables. The weekly counters themselves live in Redis (see
-- adapters/redis_quota.py); PostgreSQL keeps what must outlive a week or a restart.

-- Listings waiting for capacity (new in a batch, or throttled), and what became of them.
CREATE TABLE queue (
    proposal_id  uuid PRIMARY KEY,
    listing_id   uuid NOT NULL,
    seller_id    text NOT NULL,
    priority     integer NOT NULL,
    since        timestamptz NOT NULL,
    cause_id     uuid NOT NULL,      -- the listing.brand-cleared event
    body         jsonb NOT NULL,     -- that event's payload
    status       text NOT NULL,      -- waiting | throttled | granted | rejected | superseded
    throttled_id uuid,               -- the listing.throttled event, once throttled
    week         text,               -- week of the throttle or the grant
    decided_at   timestamptz
);
CREATE INDEX queue_open ON queue (seller_id, status) WHERE status IN ('waiting', 'throttled');

-- One row per grant, for the withdrawal rule (listings created per ISO week).
CREATE TABLE grants (
    proposal_id uuid PRIMARY KEY,
    seller_id   text NOT NULL,
    week        text NOT NULL,
    unit        integer NOT NULL,
    granted_at  timestamptz NOT NULL
);
CREATE INDEX grants_seller_week ON grants (seller_id, week);

CREATE TABLE sales (
    record_id text PRIMARY KEY,
    seller_id text NOT NULL,
    day       date NOT NULL,
    units     integer NOT NULL,
    revenue   numeric NOT NULL
);
CREATE INDEX sales_seller_day ON sales (seller_id, day);

CREATE TABLE restores (
    seller_id text NOT NULL,
    at        timestamptz NOT NULL,
    operator  text NOT NULL,
    reason    text NOT NULL,
    PRIMARY KEY (seller_id, at)
);
