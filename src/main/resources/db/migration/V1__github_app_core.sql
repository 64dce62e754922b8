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

-- Every webhook delivery, stored before it is acknowledged, as an immutable log: the exact signed
-- body, raw-DEFLATE compressed by the service (PayloadCodec), kept for the retention.
CREATE TABLE webhook_deliveries (
    delivery_id      text        PRIMARY KEY,
    event            text        NOT NULL,
    payload_deflated bytea       NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now()
);
-- Already compressed: PostgreSQL should neither compress it again nor move it out of line
-- while the row fits in a page.
ALTER TABLE webhook_deliveries ALTER COLUMN payload_deflated SET STORAGE EXTERNAL;
ALTER TABLE webhook_deliveries SET (toast_tuple_target = 8160);

-- Processing state of each delivery, in its own small row: marking a delivery processed never
-- rewrites the (large) delivery row.
CREATE TABLE webhook_processing (
    delivery_id     text        PRIMARY KEY,
    received_at     timestamptz NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    processed_at    timestamptz,
    outcome         text,
    action          text,
    installation_id bigint,
    last_error      text
);
-- The sweep looks for what is still unprocessed; the purge for what is old (rows arrive in time
-- order, so a BRIN index serves it at almost no cost per insert).
CREATE INDEX webhook_processing_pending ON webhook_processing (received_at) WHERE processed_at IS NULL;
CREATE INDEX webhook_processing_received ON webhook_processing USING brin (received_at);

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
