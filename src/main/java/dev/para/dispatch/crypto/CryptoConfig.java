package dev.para.dispatch.crypto;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Sealing of secrets at rest: an AES-256-GCM key ring. */
@ConfigMapping(prefix = "para.crypto")
public interface CryptoConfig {

    /**
     * The key ring: key id to the base64 of 32 random bytes ({@code openssl rand -base64 32}).
     * Keep retired keys here until the re-seal job has moved every row to the active key.
     */
    Map<String, String> keys();

    /**
     * A directory whose every file is one key of the ring, named by its id and holding its base64
     * (a mounted Kubernetes Secret). Joins {@link #keys()}; a rotation adds a file, no restart of
     * the configuration needed.
     */
    Optional<Path> keysDir();

    /** The key id that seals new values. Required as soon as anything is sealed. */
    Optional<String> activeKey();

    /** How often rows sealed with a key other than the active one are re-sealed. */
    @WithDefault("1h")
    Duration resealInterval();
}
