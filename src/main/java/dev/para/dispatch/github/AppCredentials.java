package dev.para.dispatch.github;

import dev.para.dispatch.github.webhook.WebhookSignature;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.interfaces.RSAPrivateKey;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The App's identity: its id, private key, slug, webhook secrets and OAuth client. It comes from
 * the configuration, read once at start, or — when the configuration names no App — from the App
 * the service created itself through the manifest flow ({@link #adopt}), stored sealed in
 * PostgreSQL. A missing or unreadable key does not stop the service (webhooks still arrive and are
 * stored); a broken configuration fails readiness with a message that says what to fix, and never
 * shows the key.
 */
@Singleton
public class AppCredentials {

    /** One consistent view of the App; replaced as a whole when a created App is adopted. */
    private record Identity(
            Optional<String> appId,
            RSAPrivateKey privateKey,
            Optional<String> slug,
            List<WebhookSignature> webhookSignatures,
            Optional<String> oauthClientId,
            Optional<String> oauthClientSecret,
            String problem,
            boolean configured) {}

    /** An App created through the manifest flow, its secrets opened. */
    public record CreatedApp(
            long appId, String slug, String privateKeyPem, String webhookSecret, String clientId, String clientSecret) {

        @Override
        public String toString() {
            return "CreatedApp[appId=" + appId + ", slug=" + slug + ", secrets=<redacted>]";
        }
    }

    private final GitHubConfig config;
    private volatile Identity identity;
    /** The id of the App adopted from the manifest flow, null when the configuration names the App or none is set up. */
    private volatile Long adopted;

    public AppCredentials(GitHubConfig config) {
        this.config = config;
        this.identity = fromConfig(config);
        if (identity.problem() != null && identity.configured()) {
            Log.warn(identity.problem());
        }
    }

    private static Identity fromConfig(GitHubConfig config) {
        Optional<String> appId = config.appId().filter(id -> !id.isBlank());
        RSAPrivateKey key = null;
        String error = null;
        Optional<String> pem = Optional.empty();
        try {
            pem = readPem(config);
            if (pem.isEmpty()) {
                error = "No GitHub App private key: set para.github.private-key-file (or para.github.private-key),"
                        + " or create the App at /github/app-manifest";
            } else {
                key = AppPrivateKeyReader.read(pem.get());
            }
        } catch (IllegalArgumentException e) {
            error = "GitHub App private key is unusable: " + e.getMessage();
        } catch (IOException e) {
            error = "GitHub App private key file cannot be read: "
                    + config.privateKeyFile().orElseThrow();
        }
        if (error == null && appId.isEmpty()) {
            error = "No GitHub App id: set para.github.app-id";
        }
        List<WebhookSignature> signatures = Stream.of(config.webhookSecret(), config.previousWebhookSecret())
                .flatMap(Optional::stream)
                .filter(s -> !s.isEmpty())
                .map(WebhookSignature::new)
                .toList();
        boolean configured = appId.isPresent() || pem.isPresent();
        return new Identity(
                appId,
                key,
                config.appSlug().filter(s -> !s.isBlank()),
                signatures,
                config.oauth().clientId(),
                config.oauth().clientSecret(),
                error,
                configured);
    }

    /** A key file that does not exist (an optional Secret not yet filled) is no key, not an error. */
    private static Optional<String> readPem(GitHubConfig config) throws IOException {
        if (config.privateKeyFile().isPresent()) {
            try {
                return Optional.of(Files.readString(config.privateKeyFile().get(), StandardCharsets.US_ASCII))
                        .filter(pem -> !pem.isBlank());
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
        }
        return config.privateKey().filter(pem -> !pem.isBlank());
    }

    /**
     * Whether the configuration or an earlier adoption names an App. When it does not, the service
     * waits to be set up through the manifest flow.
     */
    public boolean configured() {
        return identity.configured();
    }

    /** Takes on an App created through the manifest flow, unless the configuration names one. */
    public synchronized boolean adopt(CreatedApp app) {
        if (identity.configured()) {
            return false;
        }
        RSAPrivateKey key = AppPrivateKeyReader.read(app.privateKeyPem());
        List<WebhookSignature> signatures =
                app.webhookSecret() == null || app.webhookSecret().isEmpty()
                        ? List.of()
                        : List.of(new WebhookSignature(app.webhookSecret()));
        identity = new Identity(
                Optional.of(String.valueOf(app.appId())),
                key,
                Optional.of(app.slug()),
                signatures,
                Optional.of(app.clientId()),
                Optional.of(app.clientSecret()),
                null,
                true);
        adopted = app.appId();
        Log.infof("Using the GitHub App %s (id %d) created through the manifest flow", app.slug(), app.appId());
        return true;
    }

    /** The id of the App taken on through the manifest flow, if that is where the App came from. */
    public Optional<Long> adoptedAppId() {
        return Optional.ofNullable(adopted);
    }

    /** Drops the App taken on through the manifest flow (it was reset): the service waits to be set up again. */
    public synchronized void forget(long appId) {
        if (adopted != null && adopted == appId) {
            identity = fromConfig(config);
            adopted = null;
            Log.warnf("The GitHub App %d created through the manifest flow was reset; the flow is open again", appId);
        }
    }

    public boolean ready() {
        return identity.problem() == null;
    }

    /** Why the App cannot authenticate, when {@link #ready()} is false. */
    public Optional<String> problem() {
        return Optional.ofNullable(identity.problem());
    }

    public String appId() {
        Identity current = identity;
        return current.appId().orElseThrow(() -> notReady(current));
    }

    RSAPrivateKey privateKey() {
        Identity current = identity;
        if (current.privateKey() == null) {
            throw notReady(current);
        }
        return current.privateKey();
    }

    /** The App's slug, for installation links and to recognise its own comments. */
    public Optional<String> slug() {
        return identity.slug();
    }

    /** The signatures a webhook delivery may carry: the current secret, and the previous one while rotating. */
    public List<WebhookSignature> webhookSignatures() {
        return identity.webhookSignatures();
    }

    /** The App's OAuth client id, for sending a user to GitHub's authorization page. */
    public Optional<String> oauthClientId() {
        return identity.oauthClientId();
    }

    Optional<String> oauthClientSecret() {
        return identity.oauthClientSecret();
    }

    private static GitHubException notReady(Identity identity) {
        return new GitHubException(GitHubError.APP_NOT_CONFIGURED, identity.problem(), null);
    }
}
