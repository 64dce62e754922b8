-- What an instance's pushed commits change and what its agent said it did: the comparison of a
-- best-of-N session's instances. The summary is the agent's own words (untrusted text).
ALTER TABLE session_instances ADD COLUMN files_changed integer;
ALTER TABLE session_instances ADD COLUMN insertions integer;
ALTER TABLE session_instances ADD COLUMN deletions integer;
ALTER TABLE session_instances ADD COLUMN tests_changed boolean;
ALTER TABLE session_instances ADD COLUMN summary text;
