package dev.para.dispatch.playground;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForgeRepositoriesTest {

    @TempDir
    Path dir;

    @Test
    void theDemoRepositoryIsSeededOnceWithItsTest() throws Exception {
        ForgeRepositories repositories = new ForgeRepositories(dir.resolve("git"));
        repositories.seed("demo/hello");
        String head = repositories.head("demo/hello", "main").orElseThrow();
        repositories.seed("demo/hello");
        assertEquals(head, repositories.head("demo/hello", "main").orElseThrow(), "seeded again");
        assertEquals(List.of("main"), repositories.branches("demo/hello"));
        assertEquals(
                "Hello\n",
                new String(
                        repositories.file("demo/hello", "main", "greetings.txt").orElseThrow(),
                        StandardCharsets.UTF_8));
        assertTrue(repositories.file("demo/hello", "main", "test/hello_test.sh").isPresent());
    }

    /** A name that climbs out of the forge's root names nothing, even where a repository lies there. */
    @Test
    void noNameReachesOutsideTheRoot() throws Exception {
        ForgeRepositories outside = new ForgeRepositories(dir);
        outside.seed("secret/repo");
        ForgeRepositories repositories =
                new ForgeRepositories(dir.resolve("secret").resolve("forge"));
        Files.createDirectories(dir.resolve("secret").resolve("forge"));
        assertTrue(Files.isDirectory(dir.resolve("secret").resolve("repo.git")));
        assertFalse(repositories.exists("../repo"));
        assertFalse(repositories.exists("x/../../repo"));
        assertTrue(repositories.file("demo/hello", "main", "../../x").isEmpty());
    }
}
