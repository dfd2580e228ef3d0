-- Where a service's HTTP endpoints are (/livez, /readyz, /metrics): `asinflow status` and `top` read them.
ALTER TABLE service_heartbeat ADD COLUMN http_url text;
