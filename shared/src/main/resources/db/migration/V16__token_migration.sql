-- Token migration from other gateways' token APIs (the Traefik multi-project router's among them).
-- Portable SQL: it runs on PostgreSQL and on H2. V17 belongs to another feature.

-- A description given when the token was issued (the router's "description"), shown in the list.
ALTER TABLE gh_tokens ADD COLUMN description VARCHAR(500);
-- Who revoked a token (the administrator's subject) and why (the "reason" of DELETE /v1/tokens/{jti}).
ALTER TABLE gh_tokens ADD COLUMN revoked_by VARCHAR(256);
ALTER TABLE gh_tokens ADD COLUMN revocation_reason VARCHAR(500);

-- A revoked token the gateway did not issue but accepts (signed with the shared secret before the
-- migration) is a row of kind 'foreign': only its jti, the revocation and, as expires_at, how long
-- the revocation is kept. Its subject and issue time are not known, and its jti is the other
-- issuer's, which may be longer than the gateway's own 32 hex digits.
ALTER TABLE gh_tokens ALTER COLUMN subject DROP NOT NULL;
ALTER TABLE gh_tokens ALTER COLUMN issued_at DROP NOT NULL;
ALTER TABLE gh_tokens ALTER COLUMN jti SET DATA TYPE VARCHAR(256);
