-- Activation state of every created listing (its latest version).
CREATE TABLE listings (
    listing_id      uuid PRIMARY KEY,
    seller_id       text NOT NULL,
    sku             text NOT NULL,
    proposal_id     uuid NOT NULL,
    asin            text NOT NULL,
    state           text NOT NULL,
    last_event_id   uuid,
    last_event_type text,
    sequence        integer NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX listings_asin ON listings (asin);

-- Sellable quantity, also for listings not created yet (inventory may arrive first).
CREATE TABLE stock (
    listing_id uuid PRIMARY KEY,
    quantity   integer NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Violations on listings (an ASIN-level report has one row per listing of the ASIN).
CREATE TABLE violations (
    violation_id text NOT NULL,
    listing_id   uuid NOT NULL,
    kind         text NOT NULL,
    enforcement  text NOT NULL,
    scope        text NOT NULL,
    reporter     text NOT NULL,
    evidence     jsonb NOT NULL,
    exempt_until date,
    reported_at  timestamptz NOT NULL DEFAULT now(),
    resolved_by  text,
    resolved_at  timestamptz,
    PRIMARY KEY (violation_id, listing_id)
);
CREATE INDEX violations_open ON violations (listing_id) WHERE resolved_at IS NULL;

-- ASIN-level reports, so that offers created on the ASIN later are suppressed too.
CREATE TABLE asin_violations (
    violation_id text PRIMARY KEY,
    asin         text NOT NULL,
    kind         text NOT NULL,
    enforcement  text NOT NULL,
    reporter     text NOT NULL,
    evidence     jsonb NOT NULL,
    exempt_until date,
    reported_at  timestamptz NOT NULL DEFAULT now(),
    resolved_at  timestamptz
);
CREATE INDEX asin_violations_open ON asin_violations (asin) WHERE resolved_at IS NULL;

CREATE TABLE requests (
    request_id     text PRIMARY KEY,
    listing_id     uuid NOT NULL,
    violation_ids  text[] NOT NULL,
    root_cause_fix text NOT NULL,
    evidence       jsonb NOT NULL,
    status         text NOT NULL,          -- PENDING, APPROVED, REJECTED, REFUSED
    decided_by     text,
    note           text,
    requested_at   timestamptz NOT NULL DEFAULT now(),
    decided_at     timestamptz
);

-- Attempts the state machine refused (restocking a suppressed listing, reactivating an active one…).
CREATE TABLE refusals (
    seq        bigserial PRIMARY KEY,
    listing_id uuid NOT NULL,
    event_id   uuid NOT NULL,
    attempted  text NOT NULL,
    state      text,
    reason     text NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refusals_listing ON refusals (listing_id, seq);
