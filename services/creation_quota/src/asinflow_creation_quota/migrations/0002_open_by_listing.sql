-- A new version of a listing supersedes its waiting one: found by listing, among the open rows only.
CREATE INDEX queue_open_listing ON queue (listing_id) WHERE status IN ('waiting', 'throttled');
