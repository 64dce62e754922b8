package dev.para.dispatch.devmode;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import java.util.List;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Makes {@code ./mvnw quarkus:dev} work on a laptop with nothing installed: in the dev profile,
 * when no database URL is configured, an embedded PostgreSQL is started and its URLs are supplied
 * as configuration; when no JWT verification key is configured, an ephemeral key pair is made;
 * when no Kubernetes cluster is configured, sessions run as local processes
 * ({@code para.session-runtime=local}); and when, besides, no GitHub App is configured, the
 * playground's forge stands in for GitHub ({@link DevPlayground}), unless {@code
 * para.playground.enabled=false}.
 * Outside dev mode this factory contributes nothing, and the embedded server is not packaged.
 */
public class DevDefaultsConfigSourceFactory implements ConfigSourceFactory {

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!context.getProfiles().contains("dev")) {
            return List.of();
        }
        boolean databaseConfigured =
                isSet(context, "quarkus.datasource.reactive.url") || isSet(context, "quarkus.datasource.jdbc.url");
        boolean jwtConfigured =
                isSet(context, "mp.jwt.verify.publickey.location") || isSet(context, "mp.jwt.verify.publickey");
        ConfigValue issuer = context.getValue("mp.jwt.verify.issuer");
        boolean localSessions = !clusterConfigured(context);
        ConfigValue runtime = setByUser(context, "para.session-runtime");
        boolean runsLocally = localSessions || (runtime != null && "local".equals(runtime.getValue()));
        ConfigValue playgroundEnabled = setByUser(context, "para.playground.enabled");
        boolean playgroundOff = playgroundEnabled != null && "false".equalsIgnoreCase(playgroundEnabled.getValue());
        DevDefaultsConfigSource defaults = new DevDefaultsConfigSource(
                !databaseConfigured,
                !jwtConfigured,
                localSessions,
                issuer != null && issuer.getValue() != null ? issuer.getValue() : "para-dispatch");
        // The forge is on loopback: only local sessions reach it, and only while no real App is set.
        boolean playground = runsLocally && !isSet(context, "para.github.app-id") && !playgroundOff;
        return playground ? List.of(defaults, new DevPlaygroundConfigSource()) : List.of(defaults);
    }

    /** A cluster to talk to: an API server URL, a kubeconfig, or a pod's service account. */
    private static boolean clusterConfigured(ConfigSourceContext context) {
        String kubeconfig = System.getenv("KUBECONFIG");
        return isSet(context, "quarkus.kubernetes-client.api-server-url")
                || (kubeconfig != null && !kubeconfig.isBlank())
                || java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("user.home"), ".kube", "config"))
                || java.nio.file.Files.exists(
                        java.nio.file.Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token"));
    }

    private static boolean isSet(ConfigSourceContext context, String name) {
        ConfigValue value = setByUser(context, name);
        return value != null && !value.getValue().isBlank();
    }

    /**
     * The value someone set: not one of these dev defaults, and not what the build recorded of them
     * (Quarkus keeps the run-time values it saw while building in a source of ordinal 0, so a
     * default of ours would otherwise look set by hand at the next start).
     */
    private static ConfigValue setByUser(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        boolean ours = value != null
                && (value.getSourceOrdinal() <= 0
                        || (value.getSourceName() != null
                                && value.getSourceName().startsWith("para-dispatch dev")));
        return value == null || value.getValue() == null || ours ? null : value;
    }
}
