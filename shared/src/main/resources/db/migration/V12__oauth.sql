-- Identity store, part 3: OAuth2 clients (secrets as PBKDF2 hashes) and refresh tokens (SHA-256 of
-- the token; rotated on use, a family shares the id of the first grant so reuse can end it).
CREATE TABLE gh_oauth_clients (
    client_id   VARCHAR(128)  PRIMARY KEY,
    secret_hash VARCHAR(256)  NOT NULL,
    scopes      VARCHAR(2000) NOT NULL,
    grant_types VARCHAR(256)  NOT NULL,
    project     VARCHAR(128),
    service     VARCHAR(128),
    created_at  BIGINT        NOT NULL
);

CREATE TABLE gh_oauth_refresh_tokens (
    token_hash VARCHAR(64)   PRIMARY KEY,
    family     VARCHAR(64)   NOT NULL,
    client_id  VARCHAR(128)  NOT NULL REFERENCES gh_oauth_clients (client_id) ON DELETE CASCADE,
    subject    VARCHAR(256)  NOT NULL,
    scope      VARCHAR(2000) NOT NULL,
    created_at BIGINT        NOT NULL,
    expires_at BIGINT        NOT NULL,
    used_at    BIGINT
);
CREATE INDEX gh_oauth_refresh_tokens_family ON gh_oauth_refresh_tokens (family);
