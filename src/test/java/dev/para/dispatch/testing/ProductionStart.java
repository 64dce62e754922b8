package dev.para.dispatch.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service (target/quarkus-app) started as an operator starts it: the production
 * profile, configured by environment variables alone, nothing inherited from the test's own
 * environment. Its console lines are collected as it runs.
 */
public final class ProductionStart implements AutoCloseable {

    /** A sealing key for these starts only. */
    public static final String SEALING_KEY = "cHJvZHVjdGlvbi1zdGFydC10ZXN0LWtleS0zMmJ5dGU=";

    public final int port;
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private ProductionStart(int port, Process process) {
        this.port = port;
        this.process = process;
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader out = process.inputReader()) {
                        out.lines().forEach(lines::add);
                    } catch (IOException | UncheckedIOException ignored) {
                        // the process is gone
                    }
                },
                "production-start-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the service on a free port with the test PostgreSQL, a sealing key and the given
     * variables on top (which may replace either; an empty value unsets a variable).
     */
    public static ProductionStart start(Map<String, String> variables) {
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-jar",
                        "target/quarkus-app/quarkus-run.jar")
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.keySet()
                .removeIf(name -> name.startsWith("QUARKUS_")
                        || name.startsWith("PARA_")
                        || name.startsWith("MP_JWT_")
                        || name.startsWith("KUBERNETES_")
                        || name.equals("KUBECONFIG"));
        Map<String, String> database = new PostgresResource().start();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_DATASOURCE_JDBC_URL", database.get("quarkus.datasource.jdbc.url"));
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", database.get("quarkus.datasource.reactive.url"));
        env.put("QUARKUS_DATASOURCE_USERNAME", database.get("quarkus.datasource.username"));
        env.put("QUARKUS_DATASOURCE_PASSWORD", database.get("quarkus.datasource.password"));
        env.put("PARA_CRYPTO_KEYS_PROD", SEALING_KEY);
        env.put("PARA_CRYPTO_ACTIVE_KEY", "prod");
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "src/test/resources/jwt/public-key.pem");
        env.put("MP_JWT_VERIFY_AUDIENCES", ApiTokens.AUDIENCE);
        env.put("HOME", System.getProperty("java.io.tmpdir")); // no ~/.kube/config of the machine's
        env.putAll(variables);
        env.values().removeIf(String::isEmpty); // an empty value given: the variable is not set at all
        try {
            return new ProductionStart(port, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The exit code once the process has ended by itself, within the time given. */
    public int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("still running after " + seconds + " s: " + output());
        }
        return process.exitValue();
    }

    /** Kills the process at once (SIGKILL), as a node failure or the OOM killer does. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** What it has written to its console so far, one line after the other. */
    public String output() {
        return String.join("\n", lines);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
