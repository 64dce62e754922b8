-- The model the agent runs with (its own default when null), as a request or a comment named it.
ALTER TABLE sessions ADD COLUMN model text;

-- Best-of-N: the instance whose pull request was picked (the others' closed), once.
ALTER TABLE sessions ADD COLUMN picked_instance integer;
ALTER TABLE sessions ADD COLUMN picked_at timestamptz;
ALTER TABLE sessions ADD COLUMN picked_by text;

