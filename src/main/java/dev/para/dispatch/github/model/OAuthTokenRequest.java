package dev.para.dispatch.github.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** Body of the OAuth code exchange. {@link #toString()} leaves the secret and code out. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OAuthTokenRequest(String clientId, String clientSecret, String code) {

    @Override
    public String toString() {
        return "OAuthTokenRequest[clientId=" + clientId + "]";
    }
}
