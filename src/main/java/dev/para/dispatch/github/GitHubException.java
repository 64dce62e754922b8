package dev.para.dispatch.github;

import dev.para.dispatch.Retryable;
import java.time.Duration;
import java.util.Optional;

/**
 * A failed GitHub call, classified. The message is GitHub's own short message or ours; it never
 * contains a token, a JWT or a request body.
 */
public class GitHubException extends RuntimeException implements Retryable {

    private final GitHubError error;
    private final Duration retryAfter;
    private final int status;

    public GitHubException(GitHubError error, String message, Duration retryAfter) {
        this(error, message, retryAfter, 0);
    }

    public GitHubException(GitHubError error, String message, Duration retryAfter, int status) {
        super(error + (message == null || message.isBlank() ? "" : ": " + message), null, false, false);
        this.error = error;
        this.retryAfter = retryAfter;
        this.status = status;
    }

    public GitHubError error() {
        return error;
    }

    @Override
    public boolean isRetryable() {
        return error.isTransient();
    }

    /** When GitHub said to come back (rate limits), if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The HTTP status GitHub answered, 0 when there was no answer. */
    public int status() {
        return status;
    }
}
