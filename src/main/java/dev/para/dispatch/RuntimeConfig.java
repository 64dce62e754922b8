package dev.para.dispatch;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.net.URI;
import java.util.Optional;

/** Switches of the whole service. */
@ConfigMapping(prefix = "para")
public interface RuntimeConfig {

    /**
     * Turns every Kubernetes create and every write to GitHub into a log line of what would have
     * been done; on in dev mode when no cluster is configured.
     */
    @WithName("dry-run")
    @WithDefault("false")
    boolean dryRun();

    /**
     * Where sessions run: {@code kubernetes} (Jobs in the cluster), or {@code local} (the same
     * entrypoint as local processes, for a laptop; dev mode's default when no cluster is configured).
     */
    @WithName("session-runtime")
    @WithDefault("kubernetes")
    SessionRuntimeKind sessionRuntime();

    /** Where sessions run; configured in lower case ({@code kubernetes}, {@code local}). */
    enum SessionRuntimeKind {
        KUBERNETES,
        LOCAL
    }

    /**
     * This service's public URL (for example https://para.example.com): links in comments and pull
     * requests, and the webhook and redirect URLs of the App the manifest flow creates. Absent, the
     * manifest flow uses the URL its page was requested at.
     */
    @WithName("public-url")
    Optional<URI> publicUrl();

    /** Where the local session runtime keeps its sessions' files. */
    @WithName("local-runtime-dir")
    @WithDefault("target/local-sessions")
    java.nio.file.Path localRuntimeDir();
}
