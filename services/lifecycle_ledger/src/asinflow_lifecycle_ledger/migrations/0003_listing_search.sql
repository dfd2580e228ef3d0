-- Listing search (GET /listings): every filter is served by an index in (seller_id, sku) order, so a page is one
-- range read, and whether a row is its listing's current version is looked up through the primary key
-- (listing_id, version). versions_batch is replaced by versions_batch_order, which serves what it served.
CREATE INDEX versions_seller_state ON versions (seller_id, state, sku);
CREATE INDEX versions_state_order ON versions (state, seller_id, sku);
CREATE INDEX versions_batch_order ON versions (batch_id, seller_id, sku);
DROP INDEX versions_batch;
-- Listings whose issues include a severity (the predicates are the search's, word for word).
CREATE INDEX versions_with_errors ON versions (seller_id, sku) WHERE issues @> '[{"severity": "ERROR"}]';
CREATE INDEX versions_with_warnings ON versions (seller_id, sku) WHERE issues @> '[{"severity": "WARNING"}]';
CREATE INDEX versions_with_infos ON versions (seller_id, sku) WHERE issues @> '[{"severity": "INFO"}]';
