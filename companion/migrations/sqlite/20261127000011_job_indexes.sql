-- Partial indexes: a job is in each index only while it is in the state that index's queries
-- look for. Every claim and completion rewrites the row with new index entries (its state
-- changes), so with full indexes each of them wrote six; now a claim writes three and a
-- completion two.
DROP INDEX jobs_claim;
CREATE INDEX jobs_claim ON jobs (run_at, id) WHERE state = 'queued';
DROP INDEX jobs_lease;
CREATE INDEX jobs_lease ON jobs (lease_until, id) WHERE state = 'running';
-- The apply limits count a user's running applies on a platform and those started in the
-- last hour.
DROP INDEX jobs_platform;
CREATE INDEX jobs_platform ON jobs (user_id, platform, lease_until)
    WHERE state = 'running' AND platform IS NOT NULL;
DROP INDEX jobs_platform_started;
CREATE INDEX jobs_platform_started ON jobs (user_id, platform, started_at)
    WHERE platform IS NOT NULL;
