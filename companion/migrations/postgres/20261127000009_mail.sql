-- Recruiting mail: each user's inbound credentials, the messages received (raw bytes kept
-- always, so a message that cannot be parsed today can be re-read later) and Mailgun's
-- replay cache.

-- One row per user who set up inbound mail. The secret in the webhook URL picks the user
-- and is kept only as a SHA-256 hash, like device tokens; so is the Postmark password. The
-- Mailgun signing key is needed to verify signatures, so it is wrapped by the master key.
CREATE TABLE mail_inbound (
    user_id                BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_hash            TEXT   NOT NULL UNIQUE,
    postmark_user          TEXT   NOT NULL,
    postmark_password_hash TEXT   NOT NULL,
    mailgun_key_wrapped    BYTEA,
    created_at             BIGINT NOT NULL,
    updated_at             BIGINT NOT NULL
);

-- `dedupe_key` is the Message-ID, or for a message without one the SHA-256 of its bytes:
-- the same message delivered or imported twice is stored once.
CREATE TABLE mail_messages (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source         TEXT   NOT NULL
        CHECK (source IN ('sendgrid', 'mailgun', 'postmark', 'upload', 'import')),
    message_id     TEXT,
    dedupe_key     TEXT   NOT NULL,
    raw            BYTEA  NOT NULL,
    received_at    BIGINT NOT NULL,
    parse_state    TEXT   NOT NULL DEFAULT 'pending'
        CHECK (parse_state IN ('pending', 'parsed', 'unparseable')),
    parse_error    TEXT,
    from_name      TEXT,
    from_address   TEXT,
    subject        TEXT,
    category       TEXT
        CHECK (category IN ('rejection', 'interview', 'offer', 'confirmation', 'assessment',
                            'other')),
    company        TEXT,
    role           TEXT,
    sentiment      DOUBLE PRECISION,
    rules          TEXT,
    application_id BIGINT REFERENCES applications (id) ON DELETE SET NULL,
    classified_at  BIGINT,
    UNIQUE (user_id, dedupe_key)
);
CREATE INDEX mail_messages_user ON mail_messages (user_id, received_at);

-- Mailgun tokens already seen, until their timestamp leaves the accepted window.
CREATE TABLE mailgun_tokens (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token      TEXT   NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, token)
);
CREATE INDEX mailgun_tokens_expiry ON mailgun_tokens (expires_at);
