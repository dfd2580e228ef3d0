CREATE TABLE exemptions (
    exemption_id text PRIMARY KEY,
    brand        text NOT NULL,
    sku          text,
    seller_id    text,
    granted_at   timestamptz NOT NULL DEFAULT now()
);

-- Interim seed until the brand-registry service owns exemptions (used by examples/feed.jsonl).
INSERT INTO exemptions (exemption_id, brand) VALUES ('EX-HEARTH-LOOM', 'Hearth & Loom');

CREATE TABLE decisions (
    proposal_id uuid PRIMARY KEY,
    listing_id  uuid NOT NULL,
    outcome     text NOT NULL,
    code        text,
    decided_at  timestamptz NOT NULL DEFAULT now()
);
