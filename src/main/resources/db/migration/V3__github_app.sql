-- The GitHub App the service created itself through the manifest flow (GET /github/app-manifest).
-- At most one: the single boolean key makes a second App a conflict, never a replacement. The
-- key and secrets are sealed (AES-256-GCM, crypto.Sealer); the configuration, when it names an
-- App, takes precedence over this row.
CREATE TABLE github_app (
    singleton             boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    app_id                bigint      NOT NULL,
    slug                  text        NOT NULL,
    name                  text        NOT NULL,
    owner_login           text,
    html_url              text        NOT NULL,
    client_id             text        NOT NULL,
    sealed_client_secret  text        NOT NULL,
    sealed_webhook_secret text,
    sealed_private_key    text        NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now()
);
