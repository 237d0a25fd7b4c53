-- Accounts made before every new account got the daily "expire stale requests" schedule
-- (approvals::schedule_expiry) get it now. Due at once; the scheduler then moves it to the
-- cron's next slot.
INSERT INTO job_schedules (user_id, name, cron, kind, payload, enabled, next_run_at,
                           created_at, updated_at)
SELECT u.id, 'expire stale requests', '0 4 * * *', 'agent_requests.expire', '{}', 1, 0,
       (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT, (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT
FROM users u
WHERE NOT EXISTS (SELECT 1 FROM job_schedules s
                  WHERE s.user_id = u.id AND s.name = 'expire stale requests');
