package dev.para.dispatch.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A username and password (or token) for a registry: Basic auth, and the credential of the Bearer
 * token handshake. {@link #toString()} and {@link #fingerprint()} never show the password.
 */
public record RegistryCredential(String username, String password) {

    public String basicAuthorization() {
        return "Basic "
                + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Identifies the credential in caches and API answers without revealing it. */
    public String fingerprint() {
        return Fingerprints.of(username + "\0" + password);
    }

    @Override
    public String toString() {
        return "RegistryCredential[username=" + username + ", password=<redacted>]";
    }
}
