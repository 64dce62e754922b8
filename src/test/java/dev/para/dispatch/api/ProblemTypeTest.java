package dev.para.dispatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The catalogue: one slug per type, and docs/problems.md lists exactly it. */
class ProblemTypeTest {

    @Test
    void everySlugIsOnceInTheCatalogue() {
        Set<String> slugs =
                Arrays.stream(ProblemType.values()).map(ProblemType::slug).collect(Collectors.toSet());
        assertEquals(ProblemType.values().length, slugs.size());
        Arrays.stream(ProblemType.values()).forEach(t -> assertTrue(t.slug().matches("[a-z]+(-[a-z]+)*"), t.slug()));
    }

    @Test
    void theDocsListTheCatalogue() throws Exception {
        String doc = Files.readString(Path.of("docs/problems.md"));
        Set<String> rows = doc.lines().filter(l -> l.startsWith("| `urn:")).collect(Collectors.toSet());
        Set<String> expected = Arrays.stream(ProblemType.values())
                .map(t -> "| `" + t.uri() + "` | " + t.status() + " | " + t.title() + " |")
                .collect(Collectors.toSet());
        assertEquals(expected, rows, "docs/problems.md drifted from ProblemType");
    }
}
