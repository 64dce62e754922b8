-- One tracking comment per session on the issue it belongs to, edited in place as instances move:
-- its id once posted, since when it needs an edit, when it was last edited (edits are at least
-- 5 s apart, coalesced), and the lease of the replica editing it.
ALTER TABLE sessions ADD COLUMN tracking_comment_id bigint;
ALTER TABLE sessions ADD COLUMN tracking_due_at timestamptz;
ALTER TABLE sessions ADD COLUMN tracking_edited_at timestamptz;
ALTER TABLE sessions ADD COLUMN tracking_claimed_until timestamptz;
CREATE INDEX sessions_tracking_due ON sessions (tracking_due_at) WHERE tracking_due_at IS NOT NULL;
