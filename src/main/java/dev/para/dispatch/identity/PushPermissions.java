package dev.para.dispatch.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.ProblemType;
import dev.para.dispatch.github.GitHubClient;
import dev.para.dispatch.github.GitHubException;
import dev.para.dispatch.github.InstallationToken;
import dev.para.dispatch.github.model.CollaboratorPermission;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Locale;

/**
 * Whether a GitHub user may push to a repository, as GitHub's collaborator-permission API says
 * (write, maintain or admin), asked with the installation's token and remembered for at most
 * five minutes: a user whose access was taken away loses it here that soon.
 */
@ApplicationScoped
public class PushPermissions {

    static final Duration REMEMBERED = Duration.ofMinutes(5);

    private final GitHubClient github;
    private final Cache<String, Boolean> known = Caffeine.newBuilder()
            .maximumSize(50_000)
            .expireAfterWrite(REMEMBERED)
            .build();

    PushPermissions(GitHubClient github) {
        this.github = github;
    }

    /** Completes when {@code login} may push to owner/repo; 403 otherwise. */
    public Uni<Void> require(InstallationToken token, String owner, String repo, String login) {
        String key = token.installationId() + "|" + (owner + "/" + repo + "|" + login).toLowerCase(Locale.ROOT);
        Boolean cached = known.getIfPresent(key);
        Uni<Boolean> mayPush = cached != null
                ? Uni.createFrom().item(cached)
                : github.collaboratorPermission(token, owner, repo, login)
                        .map(CollaboratorPermission::canWrite)
                        // not a collaborator at all (GitHub answers 404): no push
                        .onFailure(e -> e instanceof GitHubException g && g.status() == 404)
                        .recoverWithItem(false)
                        .invoke(answer -> known.put(key, answer));
        return mayPush.map(yes -> {
            if (!yes) {
                throw new ProblemException(
                        ProblemType.PUSH_PERMISSION_REQUIRED,
                        "GitHub user " + login
                                + " (this account's linked identity) may not push to " + owner + "/" + repo
                                + "; sessions only run where the user they act for may push");
            }
            return null;
        });
    }
}
