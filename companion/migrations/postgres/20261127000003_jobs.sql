-- Durable jobs: a queue in the same database. A claim sets `lease_until` and bumps `attempt`;
-- every later write names the attempt it holds (fencing), so a worker whose lease ran out and
-- whose job was taken over cannot overwrite the new owner's result.
CREATE TABLE jobs (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id          BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind             TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    state            TEXT    NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled')),
    attempt          BIGINT  NOT NULL DEFAULT 0,
    max_attempts     BIGINT  NOT NULL,
    run_at           BIGINT  NOT NULL,
    lease_until      BIGINT,
    worker           TEXT,
    idempotency_key  TEXT,
    cancel_requested BIGINT  NOT NULL DEFAULT 0,
    last_error       TEXT,
    progress         TEXT,
    result           TEXT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    finished_at      BIGINT,
    UNIQUE (user_id, idempotency_key)
);
CREATE INDEX jobs_claim ON jobs (state, run_at);
CREATE INDEX jobs_lease ON jobs (state, lease_until);
