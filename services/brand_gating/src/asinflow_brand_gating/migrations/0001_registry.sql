-- The brand registry: its history (every registry event: applied, refused, or waiting for what it needs)
-- and the projection built from it. Replaying the decided rows of `history` in `seq` order rebuilds every
-- other table but `decisions`. A waiting event gets a new row (a new `seq`) when it is applied.
CREATE TABLE history (
    seq         bigserial PRIMARY KEY,
    event_id    uuid NOT NULL UNIQUE,
    event_type  text NOT NULL,
    brand_key   text NOT NULL,
    body        jsonb NOT NULL,
    at          timestamptz NOT NULL,           -- when the change was made (the publisher's ce_time)
    applied     boolean NOT NULL,
    reason      text NOT NULL DEFAULT '',
    waiting_for text,                           -- e.g. 'brand:acme' while it waits; null once decided
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX history_brand ON history (brand_key, seq);
CREATE INDEX history_waiting ON history (waiting_for) WHERE waiting_for IS NOT NULL;

CREATE TABLE brands (
    brand_key       text PRIMARY KEY,
    display         text NOT NULL,
    owner_seller_id text NOT NULL,
    seq             bigserial NOT NULL  -- lets a running service pick up brands registered since it last looked
);
CREATE UNIQUE INDEX brands_seq ON brands (seq);

CREATE TABLE authorizations (
    brand_key text NOT NULL,
    seller_id text NOT NULL,
    skus      text[],
    active    boolean NOT NULL,
    source    text NOT NULL,
    changed_at timestamptz NOT NULL,
    PRIMARY KEY (brand_key, seller_id)
);

CREATE TABLE prefixes (
    prefix    text PRIMARY KEY,
    brand_key text NOT NULL
);

CREATE TABLE exemptions (
    exemption_id text PRIMARY KEY,
    brand        text NOT NULL,
    brand_key    text NOT NULL,
    sku          text,
    seller_id    text,
    active       boolean NOT NULL,
    changed_at   timestamptz NOT NULL
);

CREATE TABLE approval_requests (
    request_id text PRIMARY KEY,
    brand_key  text NOT NULL,
    seller_id  text NOT NULL,
    skus       text[],
    evidence   jsonb NOT NULL,
    missing    text[] NOT NULL,
    status     text NOT NULL,
    decided_by text,
    reason     text NOT NULL DEFAULT ''
);
CREATE INDEX approval_requests_brand ON approval_requests (brand_key, status);

CREATE TABLE decisions (
    proposal_id uuid PRIMARY KEY,
    listing_id  uuid NOT NULL,
    outcome     text NOT NULL,
    code        text,
    decided_at  timestamptz NOT NULL DEFAULT now()
);
