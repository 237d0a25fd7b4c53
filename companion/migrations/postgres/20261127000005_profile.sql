-- The user's profile: a JSON Resume document and the typed answer bank, each with a version
-- that every write must name (a stale version is refused, so two devices editing at once
-- cannot overwrite each other). Version 0 means "never saved"; the first save makes it 1.
CREATE TABLE profiles (
    user_id    BIGINT NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    resume     TEXT   NOT NULL,
    version    BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE answer_banks (
    user_id    BIGINT NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    answers    TEXT   NOT NULL,
    version    BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Answers to recurring free-text questions; tags is a JSON array of strings.
CREATE TABLE free_answers (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    question   TEXT   NOT NULL,
    answer     TEXT   NOT NULL,
    tags       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX free_answers_user ON free_answers (user_id, id);

-- Files the user uploaded; one current file per kind (for now only 'resume_pdf').
CREATE TABLE profile_files (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT   NOT NULL CHECK (kind IN ('resume_pdf')),
    name         TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT   NOT NULL,
    bytes        BYTEA   NOT NULL,
    created_at   BIGINT NOT NULL,
    UNIQUE (user_id, kind)
);
