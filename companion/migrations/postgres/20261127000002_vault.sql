-- A value encrypted under the master key, to tell a wrong master key at start-up.
CREATE TABLE vault_master (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    check_value BYTEA   NOT NULL,
    created_at  BIGINT NOT NULL
);

-- Each user's X25519 vault keys. The private key is stored only wrapped with AES-256-GCM under
-- the master key, with (user id, key id) as associated data; a retired key keeps no secret.
CREATE TABLE vault_keys (
    user_id        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key_id         TEXT   NOT NULL,
    public_key     BYTEA   NOT NULL,
    wrapped_secret BYTEA,
    created_at     BIGINT NOT NULL,
    retired_at     BIGINT,
    PRIMARY KEY (user_id, key_id)
);

-- One sealed cookie jar per user and platform, stored exactly as the browser sealed it.
CREATE TABLE encrypted_credentials (
    user_id                  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    platform                 TEXT   NOT NULL,
    encrypted_session_cookie TEXT   NOT NULL,
    key_id                   TEXT   NOT NULL,
    metadata                 TEXT   NOT NULL,
    updated_at               BIGINT NOT NULL,
    PRIMARY KEY (user_id, platform)
);
