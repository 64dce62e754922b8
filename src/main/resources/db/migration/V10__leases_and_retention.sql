-- Work that one replica does for all (the gauges of work in flight, the retention purge) is led by
-- the holder of a lease: taken when free or expired, renewed by its holder (ReplicaLease).
CREATE TABLE replica_leases (
    name       text        PRIMARY KEY,
    holder     text        NOT NULL,
    expires_at timestamptz NOT NULL
);

-- Retention (RetentionPurge): ended sessions, their events, audit events and expired tokens are
-- deleted once older than their configured retention; these indexes find them without a scan.
CREATE INDEX sessions_finished ON sessions (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX audit_events_occurred ON audit_events USING brin (occurred_at);
CREATE INDEX installation_tokens_expires ON installation_tokens (expires_at);

-- A session recovered from one that the purge deletes keeps its own history.
ALTER TABLE sessions DROP CONSTRAINT sessions_recovered_from_fkey;
ALTER TABLE sessions ADD CONSTRAINT sessions_recovered_from_fkey
    FOREIGN KEY (recovered_from) REFERENCES sessions ON DELETE SET NULL;
