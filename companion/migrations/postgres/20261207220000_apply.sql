-- The headless apply (companion/src/apply): how a request's run went and what it left.

-- A request's run: whether it stops before the final click (dry run; requests approved
-- before this migration are dry runs, the safe side), why it needs the user (a code such as
-- `ready_to_submit` or `captcha`, and the sentence the card shows), and the run's live
-- progress as JSON (`{step, text, done, total}`) while it applies.
ALTER TABLE agent_requests ADD COLUMN dry_run BIGINT NOT NULL DEFAULT 1;
ALTER TABLE agent_requests ADD COLUMN reason_code TEXT;
ALTER TABLE agent_requests ADD COLUMN reason TEXT;
ALTER TABLE agent_requests ADD COLUMN progress TEXT;
-- The job whose run moved the request to `applying`: a request left applying by a job that
-- ended (its last worker died) is handed to the user by the sweep.
ALTER TABLE agent_requests ADD COLUMN apply_job_id BIGINT;

-- The user's default for new approvals: dry runs until they turn it off. No row: on.
ALTER TABLE agent_controls ADD COLUMN dry_run BIGINT NOT NULL DEFAULT 1;

-- A run found the stored session expired: the Connected Account needs a refresh. Cleared
-- when a new jar is stored.
ALTER TABLE encrypted_credentials ADD COLUMN refresh_needed_at BIGINT;

-- The exactly-once ledger of the final click. `submitting` is committed before the click,
-- the outcome after; a row left `submitting` means a worker died between the two, and
-- nobody clicks again. One live row per posting: a second request for a posting that was
-- submitted (or may have been) cannot submit. Only `form_errors` (the site refused the
-- form, nothing was submitted) leaves room for another try.
CREATE TABLE submit_ledger (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    request_id    BIGINT NOT NULL REFERENCES agent_requests (id) ON DELETE CASCADE,
    canonical_url TEXT   NOT NULL,
    -- The run that clicked: its job and attempt; NULL when the user submitted in their tab.
    job_id        BIGINT,
    attempt       BIGINT,
    state         TEXT   NOT NULL
        CHECK (state IN ('submitting', 'submitted', 'form_errors', 'unsure')),
    submitted_by  TEXT   NOT NULL CHECK (submitted_by IN ('agent', 'you')),
    created_at    BIGINT NOT NULL,
    settled_at    BIGINT
);
CREATE UNIQUE INDEX submit_ledger_once ON submit_ledger (user_id, canonical_url)
    WHERE state <> 'form_errors';
CREATE INDEX submit_ledger_request ON submit_ledger (request_id);

-- What a run left as evidence: screenshots (PNG), the step log and the final URL (text),
-- kept for `artifact_retention_days`.
CREATE TABLE request_artifacts (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    request_id   BIGINT NOT NULL REFERENCES agent_requests (id) ON DELETE CASCADE,
    job_id       BIGINT NOT NULL,
    attempt      BIGINT NOT NULL,
    kind         TEXT   NOT NULL CHECK (kind IN ('screenshot', 'log', 'final_url')),
    name         TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    bytes        BYTEA  NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX request_artifacts_request ON request_artifacts (user_id, request_id, id);
CREATE INDEX request_artifacts_age ON request_artifacts (created_at);
