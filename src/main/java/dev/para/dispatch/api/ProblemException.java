package dev.para.dispatch.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A domain error that answers as problem+json. Services throw the narrow subclasses (or use the
 * factories here); a single mapper turns them into responses. The detail must be safe to show.
 */
public class ProblemException extends RuntimeException {

    private final String slug;
    private final String title;
    private final int status;
    private final List<Problem.FieldError> errors;
    private final Duration retryAfter;

    public ProblemException(String slug, String title, int status, String detail) {
        this(slug, title, status, detail, List.of(), null);
    }

    public ProblemException(
            String slug,
            String title,
            int status,
            String detail,
            List<Problem.FieldError> errors,
            Duration retryAfter) {
        super(detail, null, false, false);
        this.slug = slug;
        this.title = title;
        this.status = status;
        this.errors = errors;
        this.retryAfter = retryAfter;
    }

    public static ProblemException notFound(String what) {
        return new ProblemException("not-found", "Not Found", 404, what + " was not found");
    }

    public static ProblemException badRequest(String field, String message) {
        return new ProblemException(
                "validation",
                "Invalid request",
                400,
                field + ": " + message,
                List.of(new Problem.FieldError(field, message)),
                null);
    }

    public static ProblemException conflict(String slug, String detail) {
        return new ProblemException(slug, "Conflict", 409, detail);
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException("unauthorized", "Unauthorized", 401, detail);
    }

    public static ProblemException unavailable(String slug, String detail, Duration retryAfter) {
        return new ProblemException(slug, "Service Unavailable", 503, detail, List.of(), retryAfter);
    }

    public Problem toProblem(String instance) {
        return new Problem(Problem.TYPE_PREFIX + slug, title, status, getMessage(), instance, errors);
    }

    public int status() {
        return status;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
