package dev.para.dispatch.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A real PostgreSQL for the tests: the one named by {@code PARA_TEST_DB_URL} (a JDBC URL, with
 * {@code PARA_TEST_DB_USER} / {@code PARA_TEST_DB_PASSWORD}) when set, otherwise an embedded
 * server started once per test JVM. The embedded server runs as an unprivileged user even when
 * the tests run as root, and keeps its files under {@code java.io.tmpdir} (target/tmp).
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedPostgres embedded;

    @Override
    public Map<String, String> start() {
        String jdbcUrl = System.getenv("PARA_TEST_DB_URL");
        String user = System.getenv().getOrDefault("PARA_TEST_DB_USER", "postgres");
        String password = System.getenv().getOrDefault("PARA_TEST_DB_PASSWORD", "postgres");
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            jdbcUrl = "jdbc:postgresql://localhost:" + embedded().getPort() + "/postgres";
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", jdbcUrl,
                "quarkus.datasource.reactive.url", jdbcUrl.substring("jdbc:".length()),
                "quarkus.datasource.username", user,
                "quarkus.datasource.password", password);
    }

    /** The embedded server, started on first use and stopped when the JVM exits. */
    public static synchronized EmbeddedPostgres embedded() {
        if (embedded == null) {
            try {
                embedded = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = embedded;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // exiting anyway
                }
            }));
        }
        return embedded;
    }

    @Override
    public void stop() {
        // shared by every test class of the run; stopped by the shutdown hook
    }
}
