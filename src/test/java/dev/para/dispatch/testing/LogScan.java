package dev.para.dispatch.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Reads the test run's log file (DEBUG and up) and fails when a secret shows in it. */
public final class LogScan {

    static final Path LOG = Path.of("target", "quarkus-test.log");

    /** Shapes of GitHub tokens and PEM private keys: none may ever be logged. */
    private static final Pattern SECRET_SHAPES =
            Pattern.compile("gh[pousr]_[A-Za-z0-9]{16,}|-----BEGIN (RSA )?PRIVATE KEY-----|MII[A-Za-z0-9+/]{60,}");

    private LogScan() {}

    public static String log() {
        try {
            // no log is no proof: the scan fails rather than pass over nothing
            assertTrue(Files.exists(LOG), LOG + " is missing: quarkus.log.file is off in the test profile?");
            return Files.readString(LOG);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void assertNoSecrets(String... knownSecrets) {
        String log = log();
        for (String secret : knownSecrets) {
            assertFalse(log.contains(secret), "a secret value appears in the log");
        }
        var matcher = SECRET_SHAPES.matcher(log);
        assertFalse(
                matcher.find(),
                () -> "something shaped like a token or key appears in the log near: "
                        + log.substring(Math.max(0, matcher.start() - 80), matcher.start()));
    }
}
