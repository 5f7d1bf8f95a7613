-- Identity store, part 1: change versions and the token service. Times are epoch seconds (BIGINT)
-- so that the same SQL runs on H2 (embedded default) and PostgreSQL.

-- One row per cache topic; writers increment it in the transaction that changes the topic, and
-- every instance compares it with what it last loaded (see IdentitySync).
CREATE TABLE gh_identity_changes (
    topic   VARCHAR(64) PRIMARY KEY,
    version BIGINT      NOT NULL
);
INSERT INTO gh_identity_changes (topic, version) VALUES ('tokens', 0);

-- Tokens the gateway issued (POST /v1/tokens, POST /oauth/token). The token itself is never stored.
CREATE TABLE gh_tokens (
    jti        VARCHAR(64)  PRIMARY KEY,
    kind       VARCHAR(16)  NOT NULL,
    project    VARCHAR(128),
    service    VARCHAR(128),
    subject    VARCHAR(256) NOT NULL,
    client_id  VARCHAR(128),
    scope      VARCHAR(2000),
    issued_at  BIGINT       NOT NULL,
    expires_at BIGINT       NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX gh_tokens_expires_at ON gh_tokens (expires_at);
CREATE INDEX gh_tokens_revoked_at ON gh_tokens (revoked_at);
