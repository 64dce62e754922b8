package dev.para.dispatch.bench;

import dev.para.dispatch.Redactor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The redactor on 60 KB lines, ordinary and made to stall a backtracking pattern: the median and
 * worst time per line after warm-up. Run by bench/redactor.sh; results in bench/results/redactor.txt.
 */
@Tag("bench")
class RedactorBench {

    @Test
    void sixtyKilobyteLines() throws IOException {
        Map<String, String> lines = new java.util.LinkedHashMap<>();
        lines.put("log text", "Compiling module 42 of 97: src/main/app.ts ok; ".repeat(1300));
        lines.put(
                "stream-json",
                "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}} "
                        .repeat(800));
        for (String unit :
                List.of("eyJ", "ghp_", "bearer ", "https://a:", "token=", "-----BEGIN PRIVATE KEY-----", "AKIA")) {
            // the label names the unit without writing a key's BEGIN line into the results
            lines.put("'" + unit.replace("-----", "") + "' repeated", unit.repeat(60_000 / unit.length()));
        }
        List<String> out = new ArrayList<>();
        for (var line : lines.entrySet()) {
            for (int i = 0; i < 50; i++) {
                Redactor.redact(line.getValue()); // warm-up
            }
            long[] nanos = new long[200];
            for (int i = 0; i < nanos.length; i++) {
                long start = System.nanoTime();
                Redactor.redact(line.getValue());
                nanos[i] = System.nanoTime() - start;
            }
            java.util.Arrays.sort(nanos);
            out.add(String.format(
                    "%-40s %6d chars  median %7.3f ms  max %7.3f ms",
                    line.getKey(),
                    line.getValue().length(),
                    nanos[nanos.length / 2] / 1e6,
                    nanos[nanos.length - 1] / 1e6));
        }
        Files.createDirectories(Path.of("bench/results"));
        Files.write(Path.of("bench/results/redactor.txt"), out);
    }
}
