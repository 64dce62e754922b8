package dev.para.dispatch.github;

import java.time.Instant;

/** An installation token and when it expires. {@link #toString()} never shows the token. */
public record InstallationToken(long installationId, String token, Instant expiresAt) {

    /** Whether the token still has more than {@code buffer} of life at {@code now}. */
    public boolean freshAt(Instant freshUntil) {
        return expiresAt.isAfter(freshUntil);
    }

    @Override
    public String toString() {
        return "InstallationToken[installation=" + installationId + ", token=<redacted>, expiresAt=" + expiresAt + "]";
    }
}
