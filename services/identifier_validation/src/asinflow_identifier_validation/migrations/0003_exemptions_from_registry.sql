-- Exemptions now come only from the brand registry's events (brand.exemption.granted / revoked), kept
-- here as this service's own copy. Grants and revocations arrive on two topics, in any order: the one
-- made last (the publisher's ce_time) wins, so a revocation is kept as a row that is no longer active.
-- The interim seed of 0001 is dropped; examples/registry.jsonl grants it through the registry instead.
ALTER TABLE exemptions ADD COLUMN active boolean NOT NULL DEFAULT true;
ALTER TABLE exemptions ADD COLUMN changed_at timestamptz NOT NULL DEFAULT '-infinity';
DELETE FROM exemptions WHERE exemption_id = 'EX-HEARTH-LOOM';
