-- The most one instance of a session may spend (USD), as the agent reports its cost; null: no budget.
ALTER TABLE sessions ADD COLUMN budget_usd numeric(12, 4);

-- A day's spend per installation: the instances that ended since midnight (UTC), and those still going.
CREATE INDEX session_instances_finished_at ON session_instances (finished_at);
