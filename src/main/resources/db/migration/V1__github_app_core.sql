-- para-dispatch schema, part 1: the GitHub App core.
-- Flyway owns the schema; Hibernate validates nothing and generates nothing.

-- Installations of the GitHub App, as GitHub reports them. account_id stays null until the
-- installation is linked to one of our accounts through the setup callback.
CREATE TABLE github_installations (
    installation_id       bigint      PRIMARY KEY,
    account_id            text,
    github_account_id     bigint      NOT NULL,
    github_account_login  text        NOT NULL,
    github_account_type   text        NOT NULL,
    repository_selection  text        NOT NULL,
    permissions           jsonb       NOT NULL DEFAULT '{}',
    events                text[]      NOT NULL DEFAULT '{}',
    app_slug              text,
    suspended_at          timestamptz,
    deleted_at            timestamptz,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL
);
CREATE INDEX github_installations_account ON github_installations (account_id, installation_id);

-- The repositories an installation was granted when repository_selection is 'selected'.
CREATE TABLE installation_repositories (
    installation_id bigint  NOT NULL REFERENCES github_installations ON DELETE CASCADE,
    repository_id   bigint  NOT NULL,
    full_name       text    NOT NULL,
    private         boolean NOT NULL,
    PRIMARY KEY (installation_id, repository_id)
);
CREATE INDEX installation_repositories_name ON installation_repositories (installation_id, lower(full_name));

-- Installation tokens in use, sealed (AES-256-GCM). One row per (installation, narrowing), so a
-- restart reuses a token that still has life in it instead of minting a new one.
CREATE TABLE installation_tokens (
    installation_id bigint      NOT NULL,
    narrowing       text        NOT NULL,
    sealed_token    text        NOT NULL,
    key_id          text        NOT NULL,
    expires_at      timestamptz NOT NULL,
    minted_at       timestamptz NOT NULL,
    PRIMARY KEY (installation_id, narrowing)
);
CREATE INDEX installation_tokens_key ON installation_tokens (key_id);

-- Every webhook delivery, stored before it is acknowledged and processed from here afterwards.
-- The payload is the exact signed body; it is kept until processed and then for the retention.
CREATE TABLE webhook_deliveries (
    delivery_id     text        PRIMARY KEY,
    event           text        NOT NULL,
    payload         bytea,
    received_at     timestamptz NOT NULL DEFAULT now(),
    action          text,
    installation_id bigint,
    attempts        integer     NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    processed_at    timestamptz,
    outcome         text,
    last_error      text
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (received_at) WHERE processed_at IS NULL;
CREATE INDEX webhook_deliveries_processed ON webhook_deliveries (processed_at) WHERE processed_at IS NOT NULL;

-- Who did what to which object, when.
CREATE SEQUENCE audit_events_seq INCREMENT BY 50;
CREATE TABLE audit_events (
    id          bigint      PRIMARY KEY,
    occurred_at timestamptz NOT NULL,
    account_id  text,
    actor       text        NOT NULL,
    action      text        NOT NULL,
    object_type text        NOT NULL,
    object_id   text        NOT NULL,
    details     jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_object ON audit_events (object_type, object_id, occurred_at);

-- Sealed secrets per account: registry credentials, Anthropic API keys, Claude Code OAuth tokens.
CREATE SEQUENCE credentials_seq INCREMENT BY 50;
CREATE TABLE credentials (
    id           bigint      PRIMARY KEY,
    account_id   text        NOT NULL,
    name         text        NOT NULL,
    kind         text        NOT NULL,
    sealed_value text        NOT NULL,
    key_id       text        NOT NULL,
    fingerprint  text        NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    UNIQUE (account_id, name)
);
CREATE INDEX credentials_key ON credentials (key_id);
