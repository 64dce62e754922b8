package dev.para.dispatch.github.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * GitHub's answer to {@code POST /app-manifests/{code}/conversions}: the App just created, with
 * its secrets, shown this once. {@link #toString()} leaves the secrets out.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AppManifestConversion(
        long id,
        String slug,
        String name,
        String htmlUrl,
        GitHubAccount owner,
        String clientId,
        String clientSecret,
        String webhookSecret,
        String pem) {

    @Override
    public String toString() {
        return "AppManifestConversion[id=" + id + ", slug=" + slug + ", secrets=<redacted>]";
    }
}
