package dev.para.dispatch.github.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.Map;

/** GitHub's answer with a new installation token. {@link #toString()} leaves the token out. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AccessTokenResponse(
        String token, Instant expiresAt, Map<String, String> permissions, String repositorySelection) {

    @Override
    public String toString() {
        return "AccessTokenResponse[token=<redacted>, expiresAt=" + expiresAt + ", permissions=" + permissions + "]";
    }
}
