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
 * ({@code para.session-runtime=local}).
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
        return List.of(new DevDefaultsConfigSource(
                !databaseConfigured,
                !jwtConfigured,
                !clusterConfigured(context),
                issuer != null && issuer.getValue() != null ? issuer.getValue() : "para-dispatch"));
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
        ConfigValue value = context.getValue(name);
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
