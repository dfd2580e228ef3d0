-- A deleted listing's offer leaves its item: kept for the record (and for a redelivered grant of the same version),
-- marked with the time of the deletion. The item (its ASIN) stays: an ASIN is never deleted nor reused.
ALTER TABLE offers ADD COLUMN closed_at timestamptz;
