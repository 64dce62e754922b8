-- The GitHub user each account acts as (linked once through GitHub's OAuth flow; no user token is
-- kept): API sessions run only on repositories this user may push to.
CREATE TABLE account_github_identities (
    account_id     text        PRIMARY KEY,
    github_user_id bigint      NOT NULL,
    github_login   text        NOT NULL,
    linked_at      timestamptz NOT NULL
);

-- The GitHub user a session acts for: the account's linked identity, or the commenter.
ALTER TABLE sessions ADD COLUMN acting_github_login text;
