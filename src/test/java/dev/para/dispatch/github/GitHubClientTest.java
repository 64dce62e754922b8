package dev.para.dispatch.github;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GitHubClientTest {

    /** GraphQL is beside the REST API on github.com, and at /api/graphql on GitHub Enterprise Server. */
    @ParameterizedTest(name = "{0} → {1}/graphql")
    @CsvSource({
        "https://api.github.com,           https://api.github.com",
        "https://api.github.com/,          https://api.github.com",
        "https://ghe.example.com/api/v3,   https://ghe.example.com/api",
        "https://ghe.example.com/api/v3/,  https://ghe.example.com/api",
        "http://127.0.0.1:8089,            http://127.0.0.1:8089",
    })
    void graphqlIsWhereTheServerKeepsIt(String apiUrl, String graphqlBase) {
        assertEquals(graphqlBase, GitHubClient.graphqlBase(URI.create(apiUrl)));
    }
}
