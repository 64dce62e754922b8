package dev.para.dispatch.github;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The GitHub App: its identity, how we call GitHub, and how webhooks are taken in. */
@ConfigMapping(prefix = "para.github")
public interface GitHubConfig {

    /** The App's numeric id (the {@code iss} of App JWTs). */
    Optional<String> appId();

    /**
     * The App's private key as PEM: PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, as GitHub downloads it)
     * or PKCS#8 ({@code BEGIN PRIVATE KEY}). Prefer {@link #privateKeyFile()} in production.
     */
    Optional<String> privateKey();

    /** A file holding the App's private key PEM (for example a mounted Secret). */
    Optional<Path> privateKeyFile();

    /** The webhook secret GitHub signs deliveries with ({@code X-Hub-Signature-256}). */
    Optional<String> webhookSecret();

    /**
     * The webhook secret before the last rotation, still accepted until it is removed: set it to
     * the old value, change the App's secret at GitHub and {@link #webhookSecret()} together, then
     * drop it once GitHub signs with the new one.
     */
    Optional<String> previousWebhookSecret();

    /** The App's slug, for links such as the installation page. */
    Optional<String> appSlug();

    /** REST API base URL; {@code https://HOST/api/v3} for GitHub Enterprise Server. */
    @WithDefault("https://api.github.com")
    URI apiUrl();

    /** Web base URL, for the OAuth code exchange; {@code https://HOST} for GitHub Enterprise Server. */
    @WithDefault("https://github.com")
    URI webUrl();

    /** OAuth credentials of the App, used by the setup callback to identify the installing user. */
    OAuth oauth();

    /** Timeout for opening a connection to GitHub. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Timeout for GitHub's answer. */
    @WithDefault("20s")
    Duration readTimeout();

    /** An installation token is replaced this long before it expires. */
    @WithDefault("5m")
    Duration tokenRefreshBuffer();

    /** Lifetime of an App JWT; GitHub accepts at most 10 minutes. */
    @WithDefault("9m")
    Duration jwtLifetime();

    /** An App JWT is reused until this long before it expires. */
    @WithDefault("60s")
    Duration jwtReuseMargin();

    Retry retry();

    /** The one-click creation of the App at {@code /github/app-manifest}. */
    AppManifestFlow appManifest();

    CircuitBreaker circuitBreaker();

    Webhook webhook();

    interface OAuth {
        /** The App's OAuth client id. */
        Optional<String> clientId();

        /** The App's OAuth client secret. */
        Optional<String> clientSecret();
    }

    interface AppManifestFlow {
        /** Serve the flow while no App is configured; off, an App must be configured by hand. */
        @WithDefault("true")
        boolean enabled();

        /** The name of the App it creates (unique on GitHub); {@code ?name=} on the page overrides it. */
        @WithDefault("para-dispatch")
        String name();

        /**
         * The secret that opens the flow ({@code ?setup_secret=}), so that nobody but the operator
         * can create the service's App; the chart generates it into a Secret at install. Without
         * it the flow answers 404; dev mode makes one up and logs the page's address.
         */
        Optional<String> setupSecret();

        /** When set, an App created under another owner (a user or organization login) is refused. */
        Optional<String> expectedOwner();
    }

    interface Retry {
        /** Retries of a GitHub call that failed transiently (5xx, network, short rate limit). */
        @WithDefault("3")
        int maxRetries();

        /** First backoff delay; it doubles per retry, with full jitter. */
        @WithDefault("200ms")
        Duration initialDelay();

        /** Upper bound of one backoff delay. */
        @WithDefault("10s")
        Duration maxDelay();

        /** A rate limit that resets sooner than this is waited out; a later one fails the call. */
        @WithDefault("30s")
        Duration maxRateLimitWait();

        /**
         * How long a rate limit GitHub answered without saying when it resets (no Retry-After, no
         * X-RateLimit-Reset: a secondary limit) is kept: GitHub asks for at least a minute.
         */
        @WithDefault("60s")
        Duration secondaryLimitWait();
    }

    interface CircuitBreaker {
        /** Calls in the rolling window that the failure ratio is computed over. */
        @WithDefault("20")
        int requestVolumeThreshold();

        /** Ratio of transient failures in the window that opens the circuit. */
        @WithDefault("0.5")
        double failureRatio();

        /** How long the circuit stays open before a trial call. */
        @WithDefault("30s")
        Duration delay();
    }

    interface Webhook {
        /**
         * The bytes that all delivery bodies being received may hold together; a delivery that
         * would pass it is answered 503 with Retry-After (GitHub redelivers), so that many slow or
         * idle senders cannot fill the heap.
         */
        @WithDefault("64M")
        io.quarkus.runtime.configuration.MemorySize maxInFlightBytes();

        /** The longest a delivery's body may take to arrive; then 408 and the connection is closed. */
        @WithDefault("10s")
        Duration bodyReadTimeout();

        /** Deliveries written to PostgreSQL in one statement at most (group commit). */
        @WithDefault("256")
        int batchSize();

        /**
         * Insert statements in flight at once; more arrivals wait and join the next batch. Two keep
         * PostgreSQL busy while letting batches grow (fewer commits and WAL flushes per delivery).
         */
        @WithDefault("2")
        int maxInFlightBatches();

        /** Deliveries a processor takes (or claims) at once. */
        @WithDefault("500")
        int processBatchSize();

        /**
         * Installations whose deliveries of one batch are processed at the same time (each
         * installation's own deliveries one after the other, in the order GitHub sent them).
         */
        @WithDefault("8")
        int processConcurrency();

        /** How long freshly stored deliveries gather before they are processed as one batch. */
        @WithDefault("50ms")
        Duration processDelay();

        /**
         * Stored deliveries waiting in memory for processing. Beyond this only their ids wait (up
         * to ten times as many), and they are read back from PostgreSQL in turn; beyond that they
         * wait for the sweep.
         */
        @WithDefault("10000")
        int queueCapacity();

        /**
         * How long a claimed delivery is reserved for the replica that claimed it; also how old an
         * unprocessed delivery must be before the sweep takes it from the replica that stored it.
         */
        @WithDefault("2m")
        Duration lease();

        /** Processing attempts before a delivery is given up as failed. */
        @WithDefault("5")
        int maxAttempts();

        /** How often unprocessed deliveries are swept up (after a crash, or a failed attempt). */
        @WithDefault("15s")
        Duration sweepInterval();

        /** How long a processed delivery (and its payload) is kept for redelivery checks and audit. */
        @WithDefault("7d")
        Duration retention();

        /**
         * Whether the payload of a delivery no handler takes (a push, a comment not addressed to
         * {@code @para}) is stored too. By default only its record is (id, event, action, outcome),
         * which is all redelivery checks and audit need: nothing would ever read the payload, and it
         * holds other people's code and comments.
         */
        @WithDefault("false")
        boolean keepIgnoredPayloads();
    }
}
