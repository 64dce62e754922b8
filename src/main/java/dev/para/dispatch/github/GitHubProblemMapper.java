package dev.para.dispatch.github;

import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.ProblemMappers;
import dev.para.dispatch.api.ProblemType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A GitHub failure that reaches an answer without a service having said more about it: GitHub
 * away or limiting is a 503 with Retry-After, anything else GitHub refused is a 422 that names
 * the kind of refusal (never GitHub's message, which may quote the request).
 */
public class GitHubProblemMapper {

    private static final Duration DEFAULT_RETRY = Duration.ofSeconds(30);

    @ServerExceptionMapper
    public Response github(GitHubException e, UriInfo uri) {
        return ProblemMappers.answer(problem(e), uri);
    }

    static ProblemException problem(GitHubException e) {
        return e.isRetryable()
                ? ProblemException.unavailable(
                        ProblemType.GITHUB_UNAVAILABLE,
                        "GitHub cannot be reached right now; try again shortly",
                        e.retryAfter().orElse(DEFAULT_RETRY))
                : new ProblemException(ProblemType.GITHUB_REFUSED, "GitHub refused the call (" + e.error() + ")");
    }
}
