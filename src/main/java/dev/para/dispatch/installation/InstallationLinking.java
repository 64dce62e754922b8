package dev.para.dispatch.installation;

import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.crypto.Sealer;
import dev.para.dispatch.crypto.SealingException;
import dev.para.dispatch.github.GitHubClient;
import dev.para.dispatch.github.AppCredentials;
import dev.para.dispatch.github.GitHubConfig;
import dev.para.dispatch.github.GitHubError;
import dev.para.dispatch.github.GitHubException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Secure linking of an installation to an account. The setup redirect's {@code installation_id}
 * is never trusted: the user's OAuth code is exchanged for a user token, and the installation is
 * linked only if GitHub lists it in {@code GET /user/installations} for that user. The account
 * comes from a sealed state that this service issued to the authenticated caller.
 */
@ApplicationScoped
public class InstallationLinking {

    static final String STATE_PURPOSE = "setup-state";
    static final Duration STATE_LIFETIME = Duration.ofHours(1);

    /** Where to send the user, and until when the link works. */
    public record InstallUrl(String url, Instant expiresAt) {}

    private record State(String accountId, String actor) {}

    private final Sealer sealer;
    private final GitHubClient github;
    private final GitHubConfig config;
    private final AppCredentials credentials;
    private final InstallationService installations;
    private final Clock clock;

    InstallationLinking(Sealer sealer, GitHubClient github, GitHubConfig config, AppCredentials credentials,
            InstallationService installations, Clock clock) {
        this.credentials = credentials;
        this.sealer = sealer;
        this.github = github;
        this.config = config;
        this.installations = installations;
        this.clock = clock;
    }

    public InstallUrl installUrl(String accountId, String actor) {
        String slug = credentials.slug().orElseThrow(() -> ProblemException.unavailable("app-not-configured",
                "para.github.app-slug is not set, so there is no installation page to send you to", null));
        Instant expiresAt = clock.instant().plus(STATE_LIFETIME);
        String state = sealer.seal(expiresAt.getEpochSecond() + "\n" + accountId + "\n" + actor, STATE_PURPOSE);
        String url = config.webUrl().toString().replaceAll("/$", "") + "/apps/" + slug + "/installations/new?state="
                + URLEncoder.encode(state, StandardCharsets.UTF_8);
        return new InstallUrl(url, expiresAt);
    }

    /** Completes the setup redirect: proves the user's access through GitHub, then links. */
    public Uni<InstallationView> complete(String code, long installationId, String state) {
        State owner = openState(state);
        return github.exchangeOAuthCode(code)
                .onFailure(GitHubException.class).transform(e -> ((GitHubException) e).error() == GitHubError.BAD_CREDENTIALS
                        ? new ProblemException("oauth-code-rejected", "Unauthorized", 401,
                                "GitHub did not accept the OAuth code; it may be used or expired. Start the installation again.")
                        : e)
                .flatMap(github::listUserInstallations)
                .map(list -> list.stream().filter(i -> i.id() == installationId).findFirst()
                        .orElseThrow(() -> new ProblemException("installation-not-accessible", "Forbidden", 403,
                                "GitHub does not list installation " + installationId + " for the user who installed it")))
                .flatMap(gh -> installations.link(owner.accountId(), owner.actor(), gh));
    }

    private State openState(String state) {
        if (state == null || state.isBlank()) {
            throw ProblemException.badRequest("state", "is required; start from GET /api/v1/installations/install-url");
        }
        String[] parts;
        try {
            parts = sealer.open(state, STATE_PURPOSE).split("\n", 3);
        } catch (SealingException e) {
            throw ProblemException.badRequest("state", "was not issued by this service");
        }
        if (parts.length != 3 || Instant.ofEpochSecond(Long.parseLong(parts[0])).isBefore(clock.instant())) {
            throw ProblemException.badRequest("state", "has expired; start the installation again");
        }
        return new State(parts[1], parts[2]);
    }
}
