-- Named agent images per account, and how to pull them: anonymously, with a credential of the
-- account (registry-basic), or with an installation token of the GitHub App (ghcr.io images of
-- the installation's owner). The image was checked at the registry when it was registered.
CREATE SEQUENCE agent_images_seq INCREMENT BY 50;
CREATE TABLE agent_images (
    id              bigint      PRIMARY KEY,
    account_id      text        NOT NULL,
    name            text        NOT NULL,
    image           text        NOT NULL,
    pull_with       text        NOT NULL CHECK (pull_with IN ('none', 'credential', 'github-app')),
    credential_name text,
    is_default      boolean     NOT NULL DEFAULT false,
    cpu_request     text,
    memory_request  text,
    cpu_limit       text,
    memory_limit    text,
    agent_command   text,
    digest          text,
    checked_at      timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    UNIQUE (account_id, name),
    CHECK ((pull_with = 'credential') = (credential_name IS NOT NULL))
);
CREATE UNIQUE INDEX agent_images_one_default ON agent_images (account_id) WHERE is_default;
CREATE INDEX agent_images_credential ON agent_images (account_id, credential_name) WHERE credential_name IS NOT NULL;
