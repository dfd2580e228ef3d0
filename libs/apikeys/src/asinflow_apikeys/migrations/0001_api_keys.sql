-- API keys of the listings API: the SHA-256 digest of each token, never the token.
CREATE TABLE api_keys (
    key_id      text PRIMARY KEY,
    digest      text NOT NULL UNIQUE,
    role        text NOT NULL CHECK (role IN ('seller', 'operator')),
    seller_id   text,
    label       text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    -- a seller key is bound to exactly one seller; an operator key to none
    CHECK ((role = 'seller') = (seller_id IS NOT NULL))
);
