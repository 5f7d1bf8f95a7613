-- Tenancy: the owning tenant of admin objects, consumers, OAuth2 clients and issued tokens.
-- NULL is global: owned by no tenant, seen and changed by the global administrator (the admin token)
-- alone. A tenant administrator (a verified JWT with an admin role and a tenant) sees and changes
-- the rows of its tenant only. V13 and V14 belong to other features; Flyway runs them in order on a
-- fresh database. Portable SQL: it runs on PostgreSQL and on H2.
ALTER TABLE gatehouse_admin_object ADD COLUMN tenant VARCHAR(128);
ALTER TABLE gh_consumers ADD COLUMN tenant VARCHAR(128);
ALTER TABLE gh_oauth_clients ADD COLUMN tenant VARCHAR(128);
ALTER TABLE gh_tokens ADD COLUMN tenant VARCHAR(128);
CREATE INDEX gh_tokens_tenant ON gh_tokens (tenant);
