-- The planned application form of a request (forms::plan_job): where it was loaded from,
-- its blockers, the planner's form confidence and the match score the card's confidence
-- combines it with, as JSON. NULL until the form is planned; the planned answers
-- themselves stay in `answers`.
ALTER TABLE agent_requests ADD COLUMN form_plan TEXT;
