package dev.para.dispatch.github.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.para.dispatch.Redactor;
import dev.para.dispatch.RuntimeConfig;
import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.ProblemType;
import dev.para.dispatch.audit.AuditLog;
import dev.para.dispatch.crypto.BrowserStates;
import dev.para.dispatch.crypto.Sealer;
import dev.para.dispatch.github.AppCredentials;
import dev.para.dispatch.github.AppCredentials.CreatedApp;
import dev.para.dispatch.github.GitHubClient;
import dev.para.dispatch.github.GitHubConfig;
import dev.para.dispatch.github.GitHubException;
import dev.para.dispatch.github.model.AppManifestConversion;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Creating the GitHub App in one click: a page posts the {@link AppManifest} to GitHub, GitHub
 * creates the App and redirects back with a one-time code, and the code is converted into the
 * App's id, key and secrets, stored sealed and used at once. Other replicas pick the stored App
 * up within seconds.
 *
 * <p>Only the operator can run it: the page answers 404 without the setup secret
 * ({@link SetupSecret}), and its state is bound to the operator's browser and good once
 * ({@link BrowserStates}). It exists only while no App is configured: once one is (by
 * configuration or by this flow), it answers 409, so nobody can swap the service's App for their
 * own. An App created by mistake is reset with the same secret ({@link #reset}).
 *
 * <p>Over 300 lines on purpose: the page, the callback and the reset share one set of guards
 * (setup secret, browser state, "no App yet"), and splitting them would spread those guards.
 */
@ApplicationScoped
public class AppManifestService {

    static final String KEY_PURPOSE = "github-app-private-key";
    static final String WEBHOOK_SECRET_PURPOSE = "github-app-webhook-secret";
    static final String CLIENT_SECRET_PURPOSE = "github-app-client-secret";
    /** Long enough to confirm the App at GitHub; short enough that a forgotten tab is no risk. */
    private static final Duration STATE_LIFETIME = Duration.ofMinutes(10);

    /** The page, and the cookie that binds its state to the browser. */
    public record Page(String html, NewCookie cookie) {}

    private static final String INSERT = "INSERT INTO github_app (app_id, slug, name, owner_login, html_url, client_id,"
            + " sealed_client_secret, sealed_webhook_secret, sealed_private_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            + " ON CONFLICT DO NOTHING RETURNING app_id";
    private static final String SELECT = "SELECT app_id, slug, client_id, sealed_client_secret, sealed_webhook_secret,"
            + " sealed_private_key FROM github_app";
    private static final String DELETE = "DELETE FROM github_app RETURNING app_id";
    /** Tokens of the reset App's installations: the new App mints its own. */
    private static final String DELETE_TOKENS = "DELETE FROM installation_tokens";

    private final AppCredentials credentials;
    private final GitHubClient github;
    private final GitHubConfig config;
    private final RuntimeConfig runtime;
    private final Sealer sealer;
    private final BrowserStates states;
    private final SetupSecret setupSecret;
    private final Pool pool;
    private final AuditLog audit;
    private final ObjectMapper json;

    AppManifestService(
            AppCredentials credentials,
            GitHubClient github,
            GitHubConfig config,
            RuntimeConfig runtime,
            Sealer sealer,
            BrowserStates states,
            SetupSecret setupSecret,
            Pool pool,
            AuditLog audit,
            ObjectMapper json) {
        this.credentials = credentials;
        this.github = github;
        this.config = config;
        this.runtime = runtime;
        this.sealer = sealer;
        this.states = states;
        this.setupSecret = setupSecret;
        this.pool = pool;
        this.audit = audit;
        this.json = json;
    }

    /**
     * The page that posts the manifest to GitHub, for the App of the user who opens it, or of
     * {@code organization}, for the holder of the setup secret only. {@code requestUrl} is where
     * this page was asked for, used when {@code para.public-url} is not set.
     */
    public Uni<Page> page(URI requestUrl, Optional<String> organization, Optional<String> name, String secret) {
        requireSecret(secret);
        requireOpen();
        URI publicUrl = runtime.publicUrl().orElse(requestUrl);
        String manifest;
        try {
            manifest = json.writeValueAsString(
                    AppManifest.of(name.orElse(config.appManifest().name()), publicUrl));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The App manifest cannot be written", e);
        }
        return states.start(BrowserStates.Flow.APP_MANIFEST, STATE_LIFETIME)
                .map(started -> new Page(
                        AppManifest.page(
                                AppManifest.formAction(config.webUrl(), organization, started.state()), manifest),
                        started.cookie()));
    }

    /**
     * GitHub's redirect after the App was created: converts the code, stores the App sealed, and
     * uses it. The answer is the App's installation page, the operator's next step.
     */
    public Uni<URI> complete(String code, String state, HttpHeaders browser) {
        if (code == null || code.isBlank()) {
            throw ProblemException.badRequest("code", "is required; GitHub sends it after creating the App");
        }
        return BrowserStates.<java.util.List<String>>refusedAsProblem(
                        () -> states.complete(BrowserStates.Flow.APP_MANIFEST, state, 0, browser),
                        "GET /github/app-manifest")
                .invoke(this::requireOpen)
                .flatMap(ignored -> github.convertAppManifest(code))
                .onFailure(GitHubException.class)
                .transform(
                        e -> ((GitHubException) e).isRetryable()
                                ? ProblemException.unavailable(
                                        ProblemType.GITHUB_UNAVAILABLE,
                                        "GitHub could not be reached; open" + " /github/app-manifest again",
                                        Duration.ofSeconds(10))
                                : new ProblemException(
                                        ProblemType.MANIFEST_CODE_REJECTED,
                                        "GitHub did not accept the code (it is valid once, for an hour): open /github/app-manifest again"))
                .invoke(this::requireExpectedOwner)
                .flatMap(app -> store(app).map(stored -> {
                    if (!stored) {
                        throw ProblemException.conflict(
                                ProblemType.APP_ALREADY_SET_UP,
                                "Another GitHub App was set up meanwhile;" + " delete the App '" + app.slug()
                                        + "' just created at GitHub");
                    }
                    credentials.adopt(created(
                            app.id(), app.slug(), app.pem(), app.webhookSecret(), app.clientId(), app.clientSecret()));
                    return app;
                }))
                .call(app -> Panache.withTransaction(() -> audit.record(
                        null,
                        app.owner() == null ? "github" : app.owner().login(),
                        "github-app.created",
                        "github-app",
                        String.valueOf(app.id()),
                        Map.of("slug", app.slug(), "name", String.valueOf(app.name())))))
                .map(app -> URI.create(app.htmlUrl().replaceAll("/+$", "") + "/installations/new"));
    }

    /**
     * Forgets the App the manifest flow created (the wrong owner, a lost key…), for the holder of
     * the setup secret: every replica drops it within seconds and the flow opens again. An App
     * named by the configuration is not this flow's to reset. The App itself stays at GitHub,
     * where its owner deletes it (which also revokes its tokens).
     */
    public Uni<Long> reset(String secret) {
        requireSecret(secret);
        if (credentials.configured() && credentials.adoptedAppId().isEmpty()) {
            throw ProblemException.conflict(
                    ProblemType.APP_CONFIGURED,
                    "The GitHub App comes from the configuration" + " (para.github.app-id); change it there");
        }
        return pool.withTransaction(connection -> connection
                        .query(DELETE)
                        .execute()
                        .flatMap(rows ->
                                connection.query(DELETE_TOKENS).execute().replaceWith(rows)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("GitHub App created through the manifest flow");
                    }
                    long appId = rows.iterator().next().getLong("app_id");
                    credentials.forget(appId);
                    return appId;
                })
                .call(appId -> Panache.withTransaction(() -> audit.record(
                        null, "setup-secret", "github-app.reset", "github-app", String.valueOf(appId), Map.of())));
    }

    /**
     * While no App is configured, looks for one another replica created; while one created through
     * the flow is in use, checks it was not reset. Cheap: one tiny row.
     */
    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> adoptStored() {
        Optional<Long> adopted = credentials.adoptedAppId();
        if (credentials.configured() && adopted.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.query(SELECT)
                .execute()
                .invoke(rows -> {
                    // reset on another replica (and perhaps created again): drop ours
                    if (adopted.isPresent()
                            && (rows.size() == 0
                                    || rows.iterator().next().getLong("app_id")
                                            != adopted.get().longValue())) {
                        credentials.forget(adopted.get());
                    }
                    for (Row row : rows) {
                        if (credentials.configured()) {
                            break;
                        }
                        credentials.adopt(created(
                                row.getLong("app_id"),
                                row.getString("slug"),
                                sealer.open(
                                        row.getString("sealed_private_key"),
                                        KEY_PURPOSE,
                                        binding(row.getLong("app_id"))),
                                Optional.ofNullable(row.getString("sealed_webhook_secret"))
                                        .map(s ->
                                                sealer.open(s, WEBHOOK_SECRET_PURPOSE, binding(row.getLong("app_id"))))
                                        .orElse(null),
                                row.getString("client_id"),
                                sealer.open(
                                        row.getString("sealed_client_secret"),
                                        CLIENT_SECRET_PURPOSE,
                                        binding(row.getLong("app_id")))));
                    }
                })
                .onFailure()
                .invoke(e -> Log.warnf("Looking for a created GitHub App failed: %s", Redactor.describe(e)))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    private Uni<Boolean> store(AppManifestConversion app) {
        Tuple values = Tuple.tuple()
                .addLong(app.id())
                .addString(app.slug())
                .addString(String.valueOf(app.name()))
                .addString(app.owner() == null ? null : app.owner().login())
                .addString(app.htmlUrl())
                .addString(app.clientId())
                .addString(sealer.seal(app.clientSecret(), CLIENT_SECRET_PURPOSE, binding(app.id())))
                .addString(
                        app.webhookSecret() == null
                                ? null
                                : sealer.seal(app.webhookSecret(), WEBHOOK_SECRET_PURPOSE, binding(app.id())))
                .addString(sealer.seal(app.pem(), KEY_PURPOSE, binding(app.id())));
        return pool.preparedQuery(INSERT).execute(values).map(rows -> rows.rowCount() == 1);
    }

    private void requireOpen() {
        if (credentials.configured()) {
            throw ProblemException.conflict(
                    ProblemType.APP_ALREADY_SET_UP,
                    "This service already has its GitHub App; the manifest flow only sets up the first one");
        }
    }

    /** Without the setup secret the flow does not exist: 404, as for any unknown page. */
    private void requireSecret(String secret) {
        if (!config.appManifest().enabled() || !setupSecret.matches(secret)) {
            throw ProblemException.notFound("App manifest flow");
        }
    }

    private void requireExpectedOwner(AppManifestConversion app) {
        Optional<String> expected = config.appManifest().expectedOwner().filter(o -> !o.isBlank());
        String owner = app.owner() == null ? null : app.owner().login();
        if (expected.isPresent() && !expected.get().equalsIgnoreCase(owner)) {
            Log.warnf(
                    "Refused the GitHub App %s created by the manifest flow: its owner is %s, not %s",
                    app.slug(), owner, expected.get());
            throw new ProblemException(
                    ProblemType.APP_OWNER_UNEXPECTED,
                    "The App was created under '" + owner
                            + "', but this service expects '" + expected.get()
                            + "' (para.github.app-manifest.expected-owner);"
                            + " nothing was stored. Delete the App '" + app.slug() + "' at GitHub and start again"
                            + " as the expected owner");
        }
    }

    /** Where the App's sealed secrets live: its row; no account owns it. */
    private static Sealer.Binding binding(long appId) {
        return new Sealer.Binding(String.valueOf(appId), "");
    }

    private static CreatedApp created(
            long appId, String slug, String pem, String webhookSecret, String clientId, String clientSecret) {
        return new CreatedApp(appId, slug, pem, webhookSecret, clientId, clientSecret);
    }
}
