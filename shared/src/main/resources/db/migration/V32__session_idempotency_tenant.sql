-- An intake's Idempotency-Key belongs to its caller within the caller's tenant (docs/sessions.md,
-- "Idempotency-Key"). V30 made it unique per principal alone, and a principal is its method and
-- subject: jwt:alice of one tenant and jwt:alice of another were one caller there, so the second to
-- send a key got the first's session and event back (Idempotent-Replayed), or a 422 saying the key
-- was taken. The tenant is part of the key now.
--
-- A unique constraint never finds two NULLs equal (PostgreSQL and H2 alike), so the tenant is kept
-- for it in a column of its own that is never NULL: '' for a caller without a tenant (a tenant is
-- never blank). Only intakes with a key fill it in; every other row keeps the ''.
ALTER TABLE session_events ADD COLUMN idempotency_tenant VARCHAR(128) DEFAULT '' NOT NULL;
UPDATE session_events SET idempotency_tenant = tenant WHERE idempotency_key IS NOT NULL AND tenant IS NOT NULL;
ALTER TABLE session_events DROP CONSTRAINT session_events_idempotency;
ALTER TABLE session_events ADD CONSTRAINT session_events_idempotency UNIQUE (idempotency_tenant, principal, idempotency_key);
