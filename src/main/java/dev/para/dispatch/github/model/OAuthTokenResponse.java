package dev.para.dispatch.github.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The OAuth code exchange answer. GitHub answers 200 even for a bad code, with {@code error} set.
 * {@link #toString()} leaves the token out.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OAuthTokenResponse(
        String accessToken, String tokenType, String scope, String error, String errorDescription) {

    @Override
    public String toString() {
        return "OAuthTokenResponse[accessToken=<redacted>, error=" + error + "]";
    }
}
