-- Just-in-time provisioning controls of SSO providers added through /admin/sso-providers (those of
-- gateway.sso.providers carry the same settings in configuration): whether a first login creates the
-- user, the email domains admitted, roles every user gets, and roles per IdP group. Existing
-- providers keep the behaviour they had: users provisioned, every domain, no extra role.
-- Lists are space-separated (domains and role names hold no spaces); group_roles is a JSON object of
-- group name to role list, since group names may hold any character. V16 belongs to another feature;
-- Flyway runs them in order on a fresh database. Portable SQL: it runs on PostgreSQL and on H2.
ALTER TABLE gh_sso_providers ADD COLUMN auto_provision BOOLEAN DEFAULT TRUE NOT NULL;
ALTER TABLE gh_sso_providers ADD COLUMN allowed_domains VARCHAR(4000) DEFAULT '' NOT NULL;
ALTER TABLE gh_sso_providers ADD COLUMN default_roles VARCHAR(4000) DEFAULT '' NOT NULL;
ALTER TABLE gh_sso_providers ADD COLUMN groups_claim VARCHAR(256) DEFAULT 'groups' NOT NULL;
ALTER TABLE gh_sso_providers ADD COLUMN group_roles VARCHAR(16000) DEFAULT '{}' NOT NULL;
