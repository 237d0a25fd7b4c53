-- Job intake: postings from every source, deduplicated per user by canonical URL and by
-- normalised company + title, with the match step's outcome; the user's intake settings;
-- the boards watched for new postings.
CREATE TABLE postings (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id          BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source           TEXT    NOT NULL
        CHECK (source IN ('extension', 'url', 'paste', 'csv', 'greenhouse', 'lever', 'ashby')),
    url              TEXT,
    canonical_url    TEXT,
    dedupe_key       TEXT    NOT NULL,
    external_id      TEXT,
    company          TEXT    NOT NULL,
    title            TEXT    NOT NULL,
    location         TEXT,
    remote           BIGINT  NOT NULL DEFAULT 0,
    salary_min       BIGINT,
    salary_max       BIGINT,
    salary_currency  TEXT,
    description_html TEXT    NOT NULL,
    description_text TEXT    NOT NULL,
    posted_at        BIGINT,
    created_at       BIGINT  NOT NULL,
    match_passed     BIGINT,
    match_score      DOUBLE PRECISION,
    match_reasons    TEXT,
    UNIQUE (user_id, canonical_url),
    UNIQUE (user_id, dedupe_key)
);
CREATE INDEX postings_user_created ON postings (user_id, created_at);

CREATE TABLE intake_settings (
    user_id    BIGINT NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    settings   TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE watchlist (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    vendor         TEXT    NOT NULL CHECK (vendor IN ('greenhouse', 'lever', 'ashby')),
    board          TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL,
    last_polled_at BIGINT,
    last_error     TEXT,
    UNIQUE (user_id, vendor, board)
);
