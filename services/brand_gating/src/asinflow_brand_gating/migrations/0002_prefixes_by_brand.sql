-- The GS1 company prefixes licensed to a brand (GET /restrictions lists them): read by brand, not scanned.
CREATE INDEX prefixes_brand ON prefixes (brand_key, prefix);
