-- A user's own API key for the model endpoint they set in their intake settings, wrapped by
-- the master key with (user id, base URL) as associated data: it opens only for the URL it
-- was entered for. The operator's key (configuration) is never stored here.
CREATE TABLE model_keys (
    user_id     BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    base_url    TEXT   NOT NULL,
    key_wrapped BYTEA  NOT NULL,
    updated_at  BIGINT NOT NULL
);
