-- Applications (whoever made them: the agent, a magic link, the user by hand) with their
-- timeline, and the agent's requests to apply, which wait for the user's approval.
-- `canonical_url` is the job URL without fragment and tracking parameters: one posting is
-- applied to once, however many requests point at it.
CREATE TABLE applications (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id          BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    company          TEXT   NOT NULL,
    title            TEXT   NOT NULL,
    job_url          TEXT   NOT NULL,
    canonical_url    TEXT   NOT NULL,
    source           TEXT   NOT NULL
        CHECK (source IN ('agent', 'magic_link', 'manual', 'email')),
    status           TEXT   NOT NULL
        CHECK (status IN ('applied', 'confirmed', 'assessment', 'interviewing', 'offer',
                          'rejected', 'withdrawn')),
    agent_request_id BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX applications_user ON applications (user_id, status);
CREATE INDEX applications_url ON applications (user_id, canonical_url);

CREATE TABLE application_events (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    user_id        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind           TEXT   NOT NULL,
    from_status    TEXT,
    to_status      TEXT,
    note           TEXT,
    at             BIGINT NOT NULL
);
CREATE INDEX application_events_application ON application_events (application_id, id);

CREATE TABLE agent_requests (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id            BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- No foreign key: postings may be pruned while the request and its history stay.
    posting_id         BIGINT,
    company            TEXT   NOT NULL,
    title              TEXT   NOT NULL,
    job_url            TEXT   NOT NULL,
    canonical_url      TEXT   NOT NULL,
    confidence         DOUBLE PRECISION NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
    confidence_reasons TEXT   NOT NULL,
    answers            TEXT   NOT NULL,
    resume             TEXT,
    state              TEXT   NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'approved', 'applying', 'applied', 'needs_you', 'failed',
                         'declined', 'expired')),
    version            BIGINT NOT NULL DEFAULT 1,
    application_id     BIGINT REFERENCES applications (id) ON DELETE SET NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    decided_at         BIGINT
);
CREATE INDEX agent_requests_user ON agent_requests (user_id, state);
CREATE INDEX agent_requests_url ON agent_requests (user_id, canonical_url);
