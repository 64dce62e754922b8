package dev.para.dispatch.registry;

import java.util.Arrays;
import java.util.Optional;

/** What a credential is for. */
public enum CredentialKind {
    /** A registry login: username and password or personal access token. */
    REGISTRY_BASIC("registry-basic"),
    /** An Anthropic API key for the agent ({@code ANTHROPIC_API_KEY}). */
    ANTHROPIC_API_KEY("anthropic-api-key"),
    /** A Claude Code OAuth token from {@code claude setup-token} ({@code CLAUDE_CODE_OAUTH_TOKEN}). */
    CLAUDE_OAUTH_TOKEN("claude-oauth-token");

    private final String wire;

    CredentialKind(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<CredentialKind> of(String wire) {
        return Arrays.stream(values()).filter(k -> k.wire.equals(wire)).findFirst();
    }
}
