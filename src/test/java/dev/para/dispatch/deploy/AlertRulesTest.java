package dev.para.dispatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.para.dispatch.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules (helm/para-dispatch/files/alerts.yaml) as Prometheus reads them: valid rules
 * ({@code promtool check rules}), and each alert firing, or not, on unit-test series
 * ({@code promtool test rules} with src/test/resources/prometheus/alerts-test.yaml).
 */
class AlertRulesTest {

    static final Path RULES = Chart.DIR.resolve("files/alerts.yaml");

    @Test
    void theRulesAreValid() throws Exception {
        String out = promtool(Path.of("."), "check", "rules", RULES.toString());
        assertTrue(out.contains("SUCCESS: 8 rules found"), out);
    }

    @Test
    void everyAlertFiresOnItsSeriesAndNotBefore() throws Exception {
        String out = promtool(Path.of("src/test/resources/prometheus"), "test", "rules", "alerts-test.yaml");
        assertTrue(out.contains("SUCCESS"), out);
    }

    private static String promtool(Path dir, String... args) throws IOException, InterruptedException {
        Path promtool = Tools.require("promtool", "prometheus");
        List<String> command = new java.util.ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, process.exitValue(), out);
        return out;
    }
}
