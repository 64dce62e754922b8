package dev.para.dispatch.agent;

import dev.para.dispatch.Retryable;

/** The agent's provider refused its credential: no pod is worth starting, and retrying will not help. */
public final class AgentCredentialRefused extends RuntimeException implements Retryable {

    public AgentCredentialRefused(String message) {
        super(message, null, false, false);
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
