-- Children created before their parent are found by the parent's (seller, SKU): an index of the few offers that
-- name a parent, so linking them never reads every offer.
CREATE INDEX offers_parent ON offers (seller_id, parent_sku) WHERE parent_sku IS NOT NULL;
