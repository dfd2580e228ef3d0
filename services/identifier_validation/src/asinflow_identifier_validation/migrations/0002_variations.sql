-- The latest validated proposal of each listing, as a member of its seller's variation families.
CREATE TABLE family (
    seller_id    text NOT NULL,
    sku          text NOT NULL,
    parent_sku   text,
    proposal     jsonb NOT NULL,
    gtin14       text,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (seller_id, sku)
);
CREATE INDEX family_parent ON family (seller_id, parent_sku);

-- Children whose parent has not been decided yet; released when it is, rejected after a timeout.
CREATE TABLE waiting_children (
    event_id   uuid PRIMARY KEY,
    event_type text NOT NULL,
    seller_id  text NOT NULL,
    sku        text NOT NULL,
    parent_sku text NOT NULL,
    body       bytea NOT NULL,
    since      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX waiting_children_parent ON waiting_children (seller_id, parent_sku);

CREATE INDEX decisions_listing ON decisions (listing_id, decided_at DESC);
