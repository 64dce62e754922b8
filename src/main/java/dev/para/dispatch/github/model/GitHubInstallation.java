package dev.para.dispatch.github.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An installation of the App, as GitHub's REST API and webhooks describe it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record GitHubInstallation(
        long id,
        GitHubAccount account,
        String repositorySelection,
        Map<String, String> permissions,
        List<String> events,
        String appSlug,
        String targetType,
        Instant suspendedAt) {}
