-- Identity store, part 2: consumers created through /admin/consumers and their API keys. Keys are
-- stored only as the SHA-256 of the whole key; consumers declared in the definition file are not here.
INSERT INTO gh_identity_changes (topic, version) VALUES ('consumers', 0);

CREATE TABLE gh_consumers (
    name       VARCHAR(128)  PRIMARY KEY,
    group_list VARCHAR(4000) NOT NULL,
    created_at BIGINT        NOT NULL,
    updated_at BIGINT        NOT NULL
);

CREATE TABLE gh_api_keys (
    key_id     VARCHAR(32)  PRIMARY KEY,
    consumer   VARCHAR(128) NOT NULL REFERENCES gh_consumers (name) ON DELETE CASCADE,
    key_hash   VARCHAR(64)  NOT NULL UNIQUE,
    created_at BIGINT       NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX gh_api_keys_consumer ON gh_api_keys (consumer);
