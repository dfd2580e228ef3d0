-- Pruning (the service's housekeeping task): published outbox rows and old inbox ids are deleted after their
-- retention. BRIN indexes on the insertion times: rows arrive in time order, and a BRIN costs next to nothing
-- to keep up to date.
CREATE INDEX outbox_created_brin ON outbox USING brin (created_at);
CREATE INDEX inbox_applied_brin ON inbox USING brin (applied_at);
