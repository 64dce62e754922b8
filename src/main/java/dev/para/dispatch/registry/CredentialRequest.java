package dev.para.dispatch.registry;

/**
 * The body of {@code PUT /api/v1/credentials/{name}}: {@code kind}, and {@code username} +
 * {@code password} for {@code registry-basic}, or {@code value} for the agent's keys.
 * {@link #toString()} leaves the secrets out.
 */
public record CredentialRequest(String kind, String username, String password, String value) {

    @Override
    public String toString() {
        return "CredentialRequest[kind=" + kind + ", username=" + username + ", secrets=<redacted>]";
    }
}
