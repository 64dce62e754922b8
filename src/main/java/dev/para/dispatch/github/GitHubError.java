package dev.para.dispatch.github;

/** What went wrong with a GitHub call, in terms the service can act on. */
public enum GitHubError {
    /** The App JWT or a token was refused (401): wrong key, wrong App id, revoked token. */
    BAD_CREDENTIALS(false),
    /** The installation does not exist (any more) or the App cannot see it. */
    INSTALLATION_NOT_FOUND(false),
    /** The installation is suspended by its owner. */
    SUSPENDED(false),
    /** The App or token lacks a permission the call needs. */
    INSUFFICIENT_PERMISSIONS(false),
    /** The repository does not exist or the installation cannot see it. */
    REPOSITORY_NOT_FOUND(false),
    /** A primary or secondary rate limit; {@code retryAfter} says when to come back. */
    RATE_LIMITED(true),
    /** GitHub answered 5xx, or could not be reached. */
    UNAVAILABLE(true),
    /** GitHub refused the request as invalid (422) or otherwise (4xx). */
    REJECTED(false),
    /** The App is not configured here (no id or key). */
    APP_NOT_CONFIGURED(false);

    private final boolean transientError;

    GitHubError(boolean transientError) {
        this.transientError = transientError;
    }

    /** Whether trying again later can succeed without anyone changing anything. */
    public boolean isTransient() {
        return transientError;
    }
}
