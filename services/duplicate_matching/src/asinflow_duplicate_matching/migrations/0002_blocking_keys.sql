-- Title blocking on the words of a title that are rare where the proposal is looked for (issue 11; see
-- domain/blocking.py). `($1 = '' OR brand_key = $1)` could use no index in a generic plan, and common words made
-- `tokens && $3` read most of the catalog.

-- The keys an item is found under (blocking.item_keys): each title word (proposals without a brand) and
-- brand_key:word (proposals of its brand). One GIN index serves both, with no condition on the brand left to the
-- planner. fastupdate off: lookups never scan a pending list that steady inserts keep long.
ALTER TABLE items ADD COLUMN keys text[] NOT NULL DEFAULT '{}';
UPDATE items SET keys = tokens || CASE WHEN brand_key = '' THEN '{}'::text[]
                                       ELSE ARRAY(SELECT brand_key || ':' || t FROM unnest(tokens) t) END;
CREATE INDEX items_keys ON items USING gin (keys) WITH (fastupdate = off);
DROP INDEX items_tokens;
DROP INDEX items_brand;

-- How many items have each key, kept with the items: a proposal is looked up by its rarest keys.
CREATE TABLE key_counts (
    key   text PRIMARY KEY,
    items integer NOT NULL
);
INSERT INTO key_counts (key, items) SELECT k, count(*) FROM items, unnest(keys) k GROUP BY k;
