package dev.para.dispatch.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A username and password (or token) for a registry: Basic auth, and the credential of the Bearer
 * token handshake. {@link #toString()} and {@link #fingerprint()} never show the password.
 */
public record RegistryCredential(String username, String password) {

    public String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Identifies the credential in caches and API answers without revealing it. */
    public String fingerprint() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((username + "\0" + password).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "RegistryCredential[username=" + username + ", password=<redacted>]";
    }
}
