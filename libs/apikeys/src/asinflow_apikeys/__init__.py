"""API keys of the listings API: issued by ``asinflow api-key create``, checked by the API on every request.

A key is a random token shown once; only its SHA-256 digest is stored (``tokens``), in the listings API's
schema (``store``). This package is the keys' one owner: the CLI issues and revokes through it, the API
authenticates through it, neither touches the table otherwise."""
