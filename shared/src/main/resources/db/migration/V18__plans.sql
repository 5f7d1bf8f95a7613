-- Rate-limit plans: the plan of a consumer created through /admin/consumers (NULL: none), and plans
-- created through /admin/plans, kept in the admin store beside routes and upstreams.
-- Portable SQL: it runs on PostgreSQL and on H2.
ALTER TABLE gh_consumers ADD COLUMN plan VARCHAR(128);
ALTER TABLE gatehouse_admin_object DROP CONSTRAINT gatehouse_admin_object_kind;
ALTER TABLE gatehouse_admin_object ADD CONSTRAINT gatehouse_admin_object_kind CHECK (kind IN ('route', 'upstream', 'plan'));
