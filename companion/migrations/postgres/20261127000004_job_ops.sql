-- Operating the job queue: applies (jobs with a platform) are throttled per user and
-- platform, can be paused per user, and recurring work is enqueued from schedules.
ALTER TABLE jobs ADD COLUMN platform TEXT;
-- The first claim; with finished_at it gives a job's duration, and it counts the applies
-- started in the last hour.
ALTER TABLE jobs ADD COLUMN started_at BIGINT;
CREATE INDEX jobs_platform ON jobs (user_id, platform, state);
-- Claims walk these in their ORDER BY (time, id) and stop at the first match, instead of
-- sorting every due job on each claim.
DROP INDEX jobs_claim;
CREATE INDEX jobs_claim ON jobs (state, run_at, id);
DROP INDEX jobs_lease;
CREATE INDEX jobs_lease ON jobs (state, lease_until, id);
CREATE INDEX jobs_platform_started ON jobs (user_id, platform, started_at);

-- The user's pause switch for applies; no row means running.
CREATE TABLE agent_controls (
    user_id    BIGINT NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    paused     BIGINT NOT NULL DEFAULT 0,
    paused_at  BIGINT,
    updated_at BIGINT NOT NULL
);

-- Per-user overrides of the configured apply limits; NULL keeps the configured default.
CREATE TABLE platform_limits (
    user_id        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    platform       TEXT   NOT NULL,
    max_concurrent BIGINT,
    per_hour       BIGINT,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (user_id, platform)
);

-- Recurring jobs. The scheduler enqueues a due schedule with the idempotency key
-- schedule:<id>:<slot>, so two processes never enqueue the same slot twice.
CREATE TABLE job_schedules (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    cron        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    enabled     BIGINT  NOT NULL DEFAULT 1,
    next_run_at BIGINT  NOT NULL,
    last_run_at BIGINT,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    UNIQUE (user_id, name)
);
CREATE INDEX job_schedules_due ON job_schedules (enabled, next_run_at);
