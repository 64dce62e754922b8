package dev.para.dispatch.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Command-line tools some tests run (promtool, shellcheck, docker-registry), installed by
 * {@code .ci/run}. In CI a missing tool fails the test; elsewhere the test is skipped, saying what
 * to install.
 */
public final class Tools {

    private Tools() {}

    /** The tool on the PATH; fails in CI (CI=true) and skips elsewhere when it is not installed. */
    public static Path require(String tool, String debianPackage) {
        Optional<Path> found = find(tool);
        String missing = tool + " is not installed (apt-get install " + debianPackage + "; .ci/run installs it)";
        if (found.isEmpty() && "true".equals(System.getenv("CI"))) {
            assertTrue(false, missing);
        }
        Assumptions.assumeTrue(found.isPresent(), missing);
        return found.get();
    }

    public static Optional<Path> find(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
