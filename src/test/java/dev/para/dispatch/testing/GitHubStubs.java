package dev.para.dispatch.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** GitHub answers for the fake, made from GitHub's own examples (src/test/resources/github/api). */
public final class GitHubStubs {

    private GitHubStubs() {}

    /**
     * GitHub exchanges the OAuth {@code code} of a redirect for {@code userToken}, which belongs to
     * the GitHub user {@code login} ({@code id}): {@code GET /user} with it says so.
     */
    public static void stubOAuthUser(WireMockServer github, String code, String userToken, long id, String login) {
        github.stubFor(post(urlEqualTo("/login/oauth/access_token"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.equalToJson(
                        "{\"client_id\":\"Iv1.testclientid\",\"client_secret\":\"test-oauth-client-secret\",\"code\":\""
                                + code + "\"}"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(
                                "{\"access_token\":\"" + userToken + "\",\"token_type\":\"bearer\",\"scope\":\"\"}")));
        String user = fixture("user")
                .replaceFirst("\"login\": \"octocat\"", "\"login\": \"" + login + "\"")
                .replaceFirst("\"id\": 1,", "\"id\": " + id + ",");
        github.stubFor(get(urlPathEqualTo("/user"))
                .withHeader(
                        "Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + userToken))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(user)));
    }

    /** An answer with a JSON body, as GitHub gives them. */
    public static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
    }

    public static String fixture(String name) {
        try {
            return Files.readString(Path.of("src/test/resources/github/api", name + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code POST /app/installations/{id}/access_tokens}'s answer with our token and expiry. */
    public static String tokenAnswer(String token, Instant expiresAt) {
        return fixture("installation-token")
                .replace("ghs_16C7e42F292c6912E7710c838347Ae178B4a", token)
                .replace(
                        "2016-07-11T22:14:10Z",
                        expiresAt.truncatedTo(ChronoUnit.SECONDS).toString());
    }

    public static String tokensPath(long installation) {
        return "/app/installations/" + installation + "/access_tokens";
    }

    /** Every mint for the installation answers a new random token, valid for the given time. */
    public static void stubMintsRandomTokens(WireMockServer github, long installation, Instant expiresAt) {
        github.stubFor(post(urlEqualTo(tokensPath(installation)))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody(tokenAnswer("ghs_{{randomValue length=36 type='ALPHANUMERIC'}}", expiresAt))
                        .withTransformers("response-template")));
    }

    /** {@code GET /repos/{owner}/{repo}}, GitHub's example renamed. */
    public static void stubRepository(WireMockServer github, String owner, String repo, String defaultBranch) {
        String body = fixture("repository")
                .replace("\"full_name\": \"octocat/Hello-World\"", "\"full_name\": \"" + owner + "/" + repo + "\"")
                .replace("\"default_branch\": \"master\"", "\"default_branch\": \"" + defaultBranch + "\"");
        github.stubFor(get(urlPathEqualTo("/repos/" + owner + "/" + repo))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody(body)));
    }
}
