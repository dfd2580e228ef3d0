-- The matcher's own index of the catalog, fed by catalog.item.created (the catalog service owns the items).
CREATE TABLE items (
    asin          text PRIMARY KEY,
    brand         text NOT NULL,
    brand_key     text NOT NULL,
    title         text NOT NULL,
    category      text NOT NULL DEFAULT '',
    model_number  text NOT NULL DEFAULT '',
    part_number   text NOT NULL DEFAULT '',
    model_key     text NOT NULL DEFAULT '',
    part_key      text NOT NULL DEFAULT '',
    tokens        text[] NOT NULL,
    gtin14s       text[] NOT NULL DEFAULT '{}',
    is_child      boolean NOT NULL DEFAULT false
);
CREATE INDEX items_brand_model ON items (brand_key, model_key) WHERE model_key <> '';
CREATE INDEX items_brand_part ON items (brand_key, part_key) WHERE part_key <> '';
CREATE INDEX items_tokens ON items USING gin (tokens);

-- GTIN-14 → ASIN, the item's own GTINs and aliases learnt from matches.
CREATE TABLE gtins (
    gtin14 text PRIMARY KEY,
    asin   text NOT NULL,
    alias  boolean NOT NULL DEFAULT false
);

-- Every decision with its evidence (explainability).
CREATE TABLE decisions (
    proposal_id uuid PRIMARY KEY,
    listing_id  uuid NOT NULL,
    outcome     text NOT NULL,
    asin        text,
    match_kind  text,
    score       double precision,
    evidence    jsonb NOT NULL,
    decided_at  timestamptz NOT NULL DEFAULT now()
);

-- Title blocking within a brand: a brand has few items, so its rows are read through this index and the
-- shared words counted there (the GIN index serves proposals without a brand).
CREATE INDEX items_brand ON items (brand_key);
