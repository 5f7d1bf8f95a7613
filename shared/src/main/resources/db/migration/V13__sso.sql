-- Identity store, part 4: single sign-on. SSO providers added through /admin/sso-providers (those
-- of gateway.sso.providers live in configuration, not here) and the users provisioned just in time
-- on their first OIDC login. Sessions are rows of gh_tokens (kind 'session', jti = the session id),
-- so logout revokes them through the same revocation views as any token.
INSERT INTO gh_identity_changes (topic, version) VALUES ('sso-providers', 0);

CREATE TABLE gh_sso_providers (
    id            VARCHAR(128)  PRIMARY KEY,
    issuer        VARCHAR(1024) NOT NULL,
    client_id     VARCHAR(256)  NOT NULL,
    -- Needed in clear to authenticate at the provider's token endpoint (client_secret_basic);
    -- never returned by the API.
    client_secret VARCHAR(1024) NOT NULL,
    scopes        VARCHAR(2000) NOT NULL,
    tenant        VARCHAR(128),
    roles_claim   VARCHAR(256)  NOT NULL,
    enabled       BOOLEAN       NOT NULL,
    created_at    BIGINT        NOT NULL,
    updated_at    BIGINT        NOT NULL
);

CREATE TABLE gh_users (
    id             VARCHAR(40)   PRIMARY KEY,
    provider       VARCHAR(128)  NOT NULL,
    subject        VARCHAR(256)  NOT NULL,
    email          VARCHAR(320),
    name           VARCHAR(512),
    tenant         VARCHAR(128),
    first_login_at BIGINT        NOT NULL,
    last_login_at  BIGINT        NOT NULL,
    CONSTRAINT gh_users_provider_subject UNIQUE (provider, subject)
);
