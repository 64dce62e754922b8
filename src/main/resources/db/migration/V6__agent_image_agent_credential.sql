-- The agent's own credential an agent image runs with: a credential of the account of kind
-- anthropic-api-key or claude-oauth-token, mounted into the session Secret as a file.
ALTER TABLE agent_images ADD COLUMN agent_credential_name text;
