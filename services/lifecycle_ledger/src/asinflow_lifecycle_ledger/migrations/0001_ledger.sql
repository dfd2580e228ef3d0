CREATE TABLE versions (
    listing_id  uuid NOT NULL,
    version     integer NOT NULL,
    seller_id   text NOT NULL,
    sku         text NOT NULL,
    proposal_id uuid NOT NULL UNIQUE,
    state       text NOT NULL,
    batch_id    text,
    asin        text,
    issues      jsonb NOT NULL DEFAULT '[]'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (listing_id, version)
);
CREATE INDEX versions_batch ON versions (batch_id);
CREATE INDEX versions_seller_sku ON versions (seller_id, sku);

-- Every event applied (legal) or refused (illegal transition), in the order the ledger applied them.
CREATE TABLE history (
    seq         bigserial PRIMARY KEY,
    listing_id  uuid NOT NULL,
    version     integer NOT NULL,
    event_id    uuid NOT NULL,
    event_type  text NOT NULL,
    from_state  text,
    to_state    text,
    legal       boolean NOT NULL,
    error       text,
    at          timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX history_listing ON history (listing_id, seq);
CREATE INDEX history_event ON history (event_id);
CREATE INDEX history_illegal ON history (seq) WHERE NOT legal;

-- Events waiting for their cause to be applied (they arrived out of causal order).
CREATE TABLE parked (
    event_id    uuid PRIMARY KEY,
    waiting_for uuid NOT NULL,
    event       jsonb NOT NULL,
    parked_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX parked_waiting ON parked (waiting_for);
