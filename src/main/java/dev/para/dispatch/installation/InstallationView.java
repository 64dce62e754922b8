package dev.para.dispatch.installation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An installation as the API shows it. {@code repositories} is set on single reads only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InstallationView(
        long id,
        String githubAccount,
        String githubAccountType,
        String repositorySelection,
        List<String> repositories,
        Map<String, String> permissions,
        List<String> events,
        boolean suspended,
        Instant suspendedAt,
        Instant createdAt,
        Instant updatedAt) {

    static InstallationView of(Installation i, List<GrantedRepository> repositories) {
        return new InstallationView(
                i.installationId,
                i.githubAccountLogin,
                i.githubAccountType,
                i.repositorySelection,
                repositories == null
                        ? null
                        : repositories.stream().map(r -> r.fullName).toList(),
                i.permissions,
                i.events == null ? List.of() : List.of(i.events),
                i.suspendedAt != null,
                i.suspendedAt,
                i.createdAt,
                i.updatedAt);
    }
}
