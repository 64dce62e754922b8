package dev.para.dispatch.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The packaged `para` command line (cli/target/para-cli.jar, built by ./mvnw before the tests),
 * run as its own process against the service under test, with a home folder of its own.
 */
final class ParaCli {

    static final Path JAR = Path.of("cli", "target", "para-cli.jar").toAbsolutePath();

    /** What a run printed and how it exited. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    final Path home;
    final Map<String, String> env = new HashMap<>();

    ParaCli(Path home) {
        assertTrue(Files.isRegularFile(JAR), JAR + " is not built: ./mvnw verify builds it before the tests");
        this.home = home;
        env.put("HOME", home.toString());
        env.put("PARA_URL", url());
    }

    static String url() {
        return "http://localhost:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    ParaCli token(String token) {
        env.put("PARA_TOKEN", token);
        return this;
    }

    Run run(String... args) throws IOException, InterruptedException {
        return runWithInput("", args);
    }

    Run runWithInput(String stdin, String... args) throws IOException, InterruptedException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-jar",
                JAR.toString()));
        command.addAll(java.util.List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv("PATH"));
        builder.environment().putAll(env);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        try (var in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("para " + String.join(" ", args) + " did not end within 180 s");
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
