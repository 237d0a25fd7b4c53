-- What makes a classification's effects happen once when its job runs again after a crash.

-- An event written with a key is written once per user and key: a job run again after a
-- crash finds its event there and sends nothing.
ALTER TABLE agent_events ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX agent_events_dedupe ON agent_events (user_id, dedupe_key);

-- An application that mail created carries its normalised company and role, so that two
-- messages about them classified at once (by two workers) make one application.
ALTER TABLE applications ADD COLUMN match_key TEXT;
CREATE UNIQUE INDEX applications_match ON applications (user_id, match_key);

-- The sweep that queues a classification for messages left pending without one.
CREATE INDEX mail_messages_pending ON mail_messages (id) WHERE parse_state = 'pending';
