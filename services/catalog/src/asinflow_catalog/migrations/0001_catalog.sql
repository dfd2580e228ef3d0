-- Catalog items (ASINs). An ASIN is never deleted nor reused.
CREATE TABLE items (
    asin                  text PRIMARY KEY CHECK (asin ~ '^B0[0-9A-Z]{8}$'),
    brand                 text NOT NULL,
    manufacturer          text,
    title                 text NOT NULL,
    product_type          text NOT NULL,
    model_number          text,
    part_number           text,
    parent_asin           text REFERENCES items (asin),
    variation_theme       text,
    variation_attributes  jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_by_listing    uuid NOT NULL,
    created_by_proposal   uuid NOT NULL UNIQUE,
    created_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE gtins (
    gtin14 text PRIMARY KEY,
    asin   text NOT NULL REFERENCES items (asin)
);
CREATE INDEX gtins_asin ON gtins (asin);

-- Every listing version attached to an item (an offer), and the parent it names, if any.
CREATE TABLE offers (
    proposal_id  uuid PRIMARY KEY,
    listing_id   uuid NOT NULL,
    seller_id    text NOT NULL,
    sku          text NOT NULL,
    asin         text NOT NULL REFERENCES items (asin),
    new_asin     boolean NOT NULL,
    parent_sku   text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX offers_asin ON offers (asin);
CREATE INDEX offers_seller_sku ON offers (seller_id, sku, created_at DESC);
