-- What listing.status-changed last told subscribers of each listing (NULL: nothing yet), and its sequence.
ALTER TABLE listings ADD COLUMN notified_status text[];
ALTER TABLE listings ADD COLUMN status_sequence integer NOT NULL DEFAULT 0;
