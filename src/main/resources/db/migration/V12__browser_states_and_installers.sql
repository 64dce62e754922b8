-- Flows that pass through a browser and GitHub (creating the App, installing it): the sealed state
-- of each names a row here, which binds it to the browser that started the flow (the SHA-256 of a
-- nonce that browser holds in an HttpOnly cookie) and is deleted when the flow completes, so a
-- state works once, and only in that browser.
CREATE TABLE browser_states (
    state_id    text        PRIMARY KEY,
    purpose     text        NOT NULL,
    cookie_hash bytea,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX browser_states_expires ON browser_states (expires_at);

-- The GitHub user who installed the App (installation.created's sender): one of those who may
-- link the installation to an account.
ALTER TABLE github_installations ADD COLUMN installer_github_id bigint;
