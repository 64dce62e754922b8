package dev.para.dispatch.github.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The parts of an {@code installation} or {@code installation_repositories} delivery that we read,
 * converted once per delivery. Lists GitHub leaves out of an event are null.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record InstallationEventPayload(
        GitHubInstallation installation,
        List<GitHubRepository> repositories,
        String repositorySelection,
        List<GitHubRepository> repositoriesAdded,
        List<GitHubRepository> repositoriesRemoved,
        GitHubAccount sender) {

    public List<GitHubRepository> added() {
        return repositoriesAdded == null ? List.of() : repositoriesAdded;
    }

    public List<GitHubRepository> removed() {
        return repositoriesRemoved == null ? List.of() : repositoriesRemoved;
    }
}
