package dev.para.dispatch.devmode;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded PostgreSQL of dev mode: one per JVM. Dev mode loads this class again in a new
 * class loader on every live reload, so the running server's port is remembered in a system
 * property rather than a static field. Its files live under {@code target/dev-postgres}.
 */
final class DevPostgres {

    static final String USER = "postgres";
    static final String PASSWORD = "postgres";
    // Outside the para.* namespace, which the configuration mappings own and validate.
    private static final String PORT_PROPERTY = "para-dispatch.dev.postgres-port";

    private DevPostgres() {}

    static int port() {
        synchronized (System.class) {
            String running = System.getProperty(PORT_PROPERTY);
            if (running != null) {
                return Integer.parseInt(running);
            }
            try {
                Path dir = Path.of("target", "dev-postgres").toAbsolutePath();
                Files.createDirectories(dir);
                EmbeddedPostgres pg = EmbeddedPostgres.builder()
                        .setOverrideWorkingDirectory(dir.toFile())
                        .setCleanDataDirectory(true)
                        .start();
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(
                                () -> {
                                    try {
                                        pg.close();
                                    } catch (IOException ignored) {
                                        // the JVM is going away anyway
                                    }
                                },
                                "dev-postgres-stop"));
                System.setProperty(PORT_PROPERTY, String.valueOf(pg.getPort()));
                return pg.getPort();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the embedded PostgreSQL for dev mode", e);
            }
        }
    }
}
