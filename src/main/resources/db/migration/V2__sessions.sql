-- para-dispatch schema, part 2: sessions on Kubernetes.

-- A session: one prompt run N times in parallel against one repository, as one Indexed Job.
-- seq orders sessions for cursor paging; the id (a UUID) names them everywhere else, including
-- the Job, so that a launch retried after a crash finds its Job instead of creating another.
CREATE TABLE sessions (
    id                uuid        PRIMARY KEY,
    seq               bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    slug              text        NOT NULL,
    account_id        text        NOT NULL,
    installation_id   bigint      NOT NULL REFERENCES github_installations,
    repository        text        NOT NULL,
    source_branch     text        NOT NULL,
    pr_base           text        NOT NULL,
    branch_base       text        NOT NULL,
    prompt            text        NOT NULL,
    prompt_file       text,
    instance_count    integer     NOT NULL CHECK (instance_count BETWEEN 1 AND 100),
    agent_image       text        NOT NULL,
    timeout_minutes   integer     NOT NULL,
    max_turns         integer,
    state             text        NOT NULL,
    reason            text,
    job_name          text,
    -- The token the pods use: minted for this session alone (so cancelling can revoke it), sealed.
    sealed_token      text,
    token_expires_at  timestamptz,
    -- Claims of the launcher and the token refresher: whoever holds an unexpired claim works on it.
    launch_claimed_until  timestamptz,
    launch_attempts       integer NOT NULL DEFAULT 0,
    refresh_claimed_until timestamptz,
    -- A cancelled session whose Job and token are still to be removed (Kubernetes or GitHub was away).
    stop_pending      boolean     NOT NULL DEFAULT false,
    idempotency_key   text,
    request_hash      text,
    recovered_from    uuid        REFERENCES sessions,
    trigger_issue     integer,
    trigger_comment   bigint,
    created_by        text        NOT NULL,
    created_at        timestamptz NOT NULL,
    launched_at       timestamptz,
    finished_at       timestamptz,
    updated_at        timestamptz NOT NULL,
    UNIQUE (account_id, idempotency_key),
    UNIQUE (repository, branch_base)
);
CREATE INDEX sessions_account ON sessions (account_id, seq);
CREATE INDEX sessions_queued ON sessions (created_at) WHERE state = 'QUEUED';
CREATE INDEX sessions_running_token ON sessions (token_expires_at) WHERE state = 'RUNNING';
CREATE INDEX sessions_active_installation ON sessions (installation_id) WHERE state IN ('QUEUED', 'RUNNING');
CREATE INDEX sessions_stop_pending ON sessions (updated_at) WHERE stop_pending;
CREATE INDEX sessions_trigger ON sessions (repository, trigger_issue) WHERE trigger_issue IS NOT NULL;

-- One run of the prompt: pod (completion index = index - 1), branch, outcome and pull request.
CREATE TABLE session_instances (
    session_id      uuid        NOT NULL REFERENCES sessions ON DELETE CASCADE,
    index           integer     NOT NULL,
    branch          text        NOT NULL,
    state           text        NOT NULL,
    reason          text,
    pod_name        text,
    exit_code       integer,
    head_commit     text,
    pushed          boolean,
    cost_usd        numeric(12, 6),
    turns           integer,
    pr_number       integer,
    pr_url          text,
    publish_claimed_until timestamptz,
    started_at      timestamptz,
    finished_at     timestamptz,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (session_id, index)
);
-- Instances that pushed and still wait for their pull request.
CREATE INDEX session_instances_unpublished ON session_instances (session_id)
    WHERE pushed AND pr_url IS NULL;

-- Every state change of a session or one of its instances, in order: the source of the live
-- event stream (any replica serves it: a NOTIFY after each insert wakes the subscribers).
CREATE TABLE session_events (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id  uuid        NOT NULL REFERENCES sessions ON DELETE CASCADE,
    instance    integer,
    state       text        NOT NULL,
    reason      text,
    detail      jsonb,
    occurred_at timestamptz NOT NULL
);
CREATE INDEX session_events_session ON session_events (session_id, id);

-- Wakes the live event streams of every replica. The payload names the session and the event;
-- subscribers read the event itself from the table (NOTIFY is delivered at commit, in order).
CREATE FUNCTION session_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('session_events', NEW.session_id::text || ':' || NEW.id::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER session_events_notify AFTER INSERT ON session_events
    FOR EACH ROW EXECUTE FUNCTION session_events_notify();
