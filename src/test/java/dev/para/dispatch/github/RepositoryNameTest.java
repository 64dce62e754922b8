package dev.para.dispatch.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RepositoryNameTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"octo/hello-world, octo, hello-world", "Acme-Inc/.github, Acme-Inc, .github", "a/b.c, a, b.c"})
    void splitsOnTheSlash(String fullName, String owner, String name) {
        RepositoryName repository = RepositoryName.of(fullName);
        assertEquals(owner, repository.owner());
        assertEquals(name, repository.name());
        assertEquals(fullName, repository.toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", "no-slash"})
    void aNameWithoutASlashIsNone(String fullName) {
        assertTrue(RepositoryName.parse(fullName).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> RepositoryName.of(fullName));
    }
}
