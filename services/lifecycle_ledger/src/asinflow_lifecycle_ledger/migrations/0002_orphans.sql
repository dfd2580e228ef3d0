-- A parked event whose cause has not been applied within the orphan timeout is marked orphaned: it stays
-- parked (its cause may still come and release it) but is listed by `asinflow orphans` with the reason.
ALTER TABLE parked ADD COLUMN orphaned_at timestamptz;
CREATE INDEX parked_unorphaned ON parked (parked_at) WHERE orphaned_at IS NULL;
