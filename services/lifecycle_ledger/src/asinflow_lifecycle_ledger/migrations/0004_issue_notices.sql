-- The listing.issues-changed last sent for each listing: the severities and enforcement actions it named and its
-- per-listing sequence. The next notice is sent only when either set differs (issue 13).
CREATE TABLE issue_notices (
    listing_id  uuid PRIMARY KEY,
    seller_id   text NOT NULL,
    sku         text NOT NULL,
    version     integer NOT NULL,
    asin        text,
    severities  text[] NOT NULL,
    actions     text[] NOT NULL,
    sequence    integer NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
