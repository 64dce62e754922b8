package dev.para.dispatch.installation;

import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.crypto.SealedState;
import dev.para.dispatch.github.GitHubClient;
import dev.para.dispatch.github.AppCredentials;
import dev.para.dispatch.github.GitHubConfig;
import dev.para.dispatch.github.GitHubError;
import dev.para.dispatch.github.GitHubException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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

    private final SealedState states;
    private final GitHubClient github;
    private final GitHubConfig config;
    private final AppCredentials credentials;
    private final InstallationService installations;

    InstallationLinking(SealedState states, GitHubClient github, GitHubConfig config, AppCredentials credentials,
            InstallationService installations) {
        this.credentials = credentials;
        this.states = states;
        this.github = github;
        this.config = config;
        this.installations = installations;
    }

    public InstallUrl installUrl(String accountId, String actor) {
        String slug = credentials.slug().orElseThrow(() -> ProblemException.unavailable("app-not-configured",
                "para.github.app-slug is not set, so there is no installation page to send you to", null));
        SealedState.Issued state = states.issue(STATE_PURPOSE, STATE_LIFETIME, accountId, actor);
        String url = config.webUrl().toString().replaceAll("/$", "") + "/apps/" + slug + "/installations/new?state="
                + URLEncoder.encode(state.value(), StandardCharsets.UTF_8);
        return new InstallUrl(url, state.expiresAt());
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
        try {
            List<String> fields = states.open(state, STATE_PURPOSE, 2);
            return new State(fields.get(0), fields.get(1));
        } catch (SealedState.Refused e) {
            throw ProblemException.badRequest("state", switch (e.refusal()) {
                case MISSING -> "is required; start from GET /api/v1/installations/install-url";
                case FOREIGN -> "was not issued by this service";
                case EXPIRED -> "has expired; start the installation again";
            });
        }
    }
}
