package dev.para.dispatch.installation;

import dev.para.dispatch.RuntimeConfig;
import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.ProblemType;
import dev.para.dispatch.crypto.BrowserStates;
import dev.para.dispatch.github.AppCredentials;
import dev.para.dispatch.github.GitHubClient;
import dev.para.dispatch.github.GitHubConfig;
import dev.para.dispatch.github.model.GitHubAccount;
import dev.para.dispatch.github.model.GitHubInstallation;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Secure linking of an installation to an account.
 *
 * <ul>
 *   <li>The caller asks for an install link ({@link #installUrl}); it leads to this service first
 *       ({@code /github/install}), which binds its state to the browser that opens it, then to
 *       GitHub. The state works once, and only in that browser ({@link BrowserStates}).</li>
 *   <li>The setup redirect's {@code installation_id} is never trusted: the user's OAuth code is
 *       exchanged for a user token, and GitHub must list the installation for that user.</li>
 *   <li>Seeing an installation is not owning it (an organization's read-only members see it too):
 *       the user must be the one who installed it, the user account it is installed on, or an
 *       owner of its organization.</li>
 * </ul>
 */
@ApplicationScoped
public class InstallationLinking {

    /** From the install link to GitHub's setup redirect: choosing repositories included. */
    static final Duration STATE_LIFETIME = Duration.ofMinutes(10);

    /** Where to send the user, and until when the link works. */
    public record InstallUrl(String url, Instant expiresAt) {}

    /** Where GitHub's installation page is, and the cookie that binds the state to this browser. */
    public record ToGitHub(URI location, NewCookie cookie) {}

    private record State(String accountId, String actor) {}

    private final BrowserStates states;
    private final GitHubClient github;
    private final GitHubConfig config;
    private final RuntimeConfig runtime;
    private final AppCredentials credentials;
    private final InstallationService installations;

    InstallationLinking(
            BrowserStates states,
            GitHubClient github,
            GitHubConfig config,
            RuntimeConfig runtime,
            AppCredentials credentials,
            InstallationService installations) {
        this.states = states;
        this.github = github;
        this.config = config;
        this.runtime = runtime;
        this.credentials = credentials;
        this.installations = installations;
    }

    /** The link for the caller to open in a browser; {@code requestUrl} is used when para.public-url is not set. */
    public Uni<InstallUrl> installUrl(String accountId, String actor, URI requestUrl) {
        slug(); // no App, no link
        String base = runtime.publicUrl().orElse(requestUrl).toString().replaceAll("/+$", "");
        return states.issue(BrowserStates.Flow.INSTALLATION_SETUP, STATE_LIFETIME, accountId, actor)
                .map(issued ->
                        new InstallUrl(base + "/github/install?state=" + encode(issued.state()), issued.expiresAt()));
    }

    /** The install link opened: binds its state to this browser and sends it on to GitHub. */
    public Uni<ToGitHub> toGitHub(String state) {
        String slug = slug();
        return refusedAsProblem(() -> states.claim(BrowserStates.Flow.INSTALLATION_SETUP, state, 2, STATE_LIFETIME))
                .map(cookie -> new ToGitHub(
                        URI.create(config.webUrl().toString().replaceAll("/+$", "") + "/apps/" + slug
                                + "/installations/new?state=" + encode(state)),
                        cookie));
    }

    /** Completes the setup redirect: proves who the user is and what they may do through GitHub, then links. */
    public Uni<InstallationView> complete(String code, long installationId, String state, HttpHeaders browser) {
        return refusedAsProblem(() -> states.complete(BrowserStates.Flow.INSTALLATION_SETUP, state, 2, browser))
                .map(fields -> new State(fields.get(0), fields.get(1)))
                .flatMap(owner -> github.userToken(code, "the installation")
                        .flatMap(userToken -> github.authenticatedUser(userToken)
                                .flatMap(user -> github.listUserInstallations(userToken)
                                        .map(list -> list.stream()
                                                .filter(i -> i.id() == installationId)
                                                .findFirst()
                                                .orElseThrow(() -> new ProblemException(
                                                        ProblemType.INSTALLATION_NOT_ACCESSIBLE,
                                                        "GitHub does not list installation " + installationId
                                                                + " for the user who installed it")))
                                        .call(gh -> requireOwner(userToken, user, gh))
                                        .flatMap(gh -> installations.link(
                                                owner.accountId(), owner.actor(), user.login(), gh)))));
    }

    /** The installer, the user account it is installed on, or an owner of its organization; 403 otherwise. */
    private Uni<Void> requireOwner(String userToken, GitHubAccount user, GitHubInstallation gh) {
        GitHubAccount target = gh.account();
        if (target != null && target.id() == user.id()) {
            return Uni.createFrom().voidItem();
        }
        return installations.installer(gh.id()).flatMap(installer -> {
            if (installer.isPresent() && installer.get() == user.id()) {
                return Uni.createFrom().voidItem();
            }
            boolean organization =
                    target != null && "Organization".equals(target.type() != null ? target.type() : gh.targetType());
            Uni<Boolean> owns = organization
                    ? github.ownsOrganization(userToken, target.login())
                    : Uni.createFrom().item(false);
            return owns.map(yes -> {
                if (!yes) {
                    throw new ProblemException(
                            ProblemType.INSTALLATION_LINK_FORBIDDEN,
                            "GitHub user "
                                    + user.login() + " can see installation " + gh.id()
                                    + " but did not install it and does not own "
                                    + (target == null ? "its account" : target.login())
                                    + "; an owner of it (or whoever installed it)"
                                    + " must link it");
                }
                return null;
            });
        });
    }

    private String slug() {
        return credentials
                .slug()
                .orElseThrow(() -> ProblemException.unavailable(
                        ProblemType.APP_NOT_CONFIGURED,
                        "para.github.app-slug is not set, so there is no installation page to send you to",
                        null));
    }

    private static <T> Uni<T> refusedAsProblem(Supplier<Uni<? extends T>> work) {
        return BrowserStates.refusedAsProblem(work, "GET /api/v1/installations/install-url");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
