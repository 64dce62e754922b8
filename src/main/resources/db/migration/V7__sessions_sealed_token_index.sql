-- The re-seal job (crypto.ResealJob) looks for sealed session tokens; only sessions in flight hold
-- one (it is cleared when the token is released), so a partial index keeps its hourly pass cheap.
CREATE INDEX sessions_sealed_token ON sessions (id) WHERE sealed_token IS NOT NULL;
