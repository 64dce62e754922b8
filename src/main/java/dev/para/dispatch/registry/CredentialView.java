package dev.para.dispatch.registry;

import java.time.Instant;

/** A credential as the API shows it: never its value, only what identifies it. */
public record CredentialView(String name, String kind, String fingerprint, Instant createdAt, Instant updatedAt) {

    static CredentialView of(Credential c) {
        return new CredentialView(c.name, c.kind, c.fingerprint, c.createdAt, c.updatedAt);
    }
}
