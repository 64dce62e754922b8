package dev.para.dispatch.kubernetes;

/**
 * The login a session's pods pull their image with, written as a per-session
 * {@code kubernetes.io/dockerconfigjson} Secret. {@link #toString()} does not show the password.
 */
public record PullSecret(String registry, String username, String password) {

    @Override
    public String toString() {
        return "PullSecret[registry=" + registry + ", username=" + username + ", password=<redacted>]";
    }
}
