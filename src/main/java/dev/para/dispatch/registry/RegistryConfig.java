package dev.para.dispatch.registry;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Container registries: how images are checked before a session runs them. */
@ConfigMapping(prefix = "para.registry")
public interface RegistryConfig {

    /** How long an image check (found, or not pullable for a lasting reason) is remembered. */
    @WithDefault("15m")
    Duration cacheTtl();

    /**
     * Check every session's image before its Job is made (cached), so an image that cannot be
     * pulled fails the session at once instead of leaving a pod in ImagePullBackOff.
     */
    @WithDefault("true")
    boolean checkAtLaunch();

    /** Timeout for opening a connection to a registry. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Timeout for one registry answer. */
    @WithDefault("10s")
    Duration requestTimeout();

    /** Retries of a check that failed transiently (network, 5xx, a short rate limit). */
    @WithDefault("2")
    int maxRetries();

    /** First backoff delay; it doubles per retry. */
    @WithDefault("200ms")
    Duration retryDelay();

    /** A rate limit that resets sooner than this is waited out; a later one fails the check. */
    @WithDefault("10s")
    Duration maxRetryAfter();

    /** Image checks an account may ask for a minute (registering images), per replica; beyond them 429. */
    @WithDefault("30")
    int checksPerMinute();

    /** Registries (host[:port]) spoken to over plain HTTP, for a registry inside a test or lab network. */
    Optional<List<String>> insecureRegistries();

    /**
     * Registry and token-service hosts (host, or host:port) reached whatever address they resolve
     * to, loopback and cluster addresses included: an in-cluster registry. Any other host that
     * resolves to an internal address is refused before a connection is made.
     */
    Optional<List<String>> allowedHosts();

    /** Registries at private addresses (RFC 1918, ULA, CGNAT) may be reached; loopback, link-local and the cluster's CIDRs still may not. */
    @WithDefault("false")
    boolean allowPrivateAddresses();

    /** The cluster's pod and service CIDRs: never reached, unless the host is allowed by name. */
    Optional<List<String>> clusterCidrs();
}
