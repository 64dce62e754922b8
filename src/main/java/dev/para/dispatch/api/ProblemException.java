package dev.para.dispatch.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A domain error that answers as problem+json: one {@link ProblemType} of the catalogue and a
 * detail written for a person. Services throw it (or use the factories here); {@link
 * ProblemMappers} turns it into a response. The detail must be safe to show.
 */
public class ProblemException extends RuntimeException {

    private final ProblemType type;
    private final List<Problem.FieldError> errors;
    private final Duration retryAfter;

    public ProblemException(ProblemType type, String detail) {
        this(type, detail, List.of(), null);
    }

    public ProblemException(ProblemType type, String detail, List<Problem.FieldError> errors, Duration retryAfter) {
        super(detail, null, false, false);
        this.type = type;
        this.errors = errors;
        this.retryAfter = retryAfter;
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(ProblemType.NOT_FOUND, what + " was not found");
    }

    public static ProblemException badRequest(String field, String message) {
        return new ProblemException(
                ProblemType.VALIDATION, field + ": " + message, List.of(new Problem.FieldError(field, message)), null);
    }

    public static ProblemException conflict(ProblemType type, String detail) {
        return new ProblemException(type, detail);
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(ProblemType.UNAUTHORIZED, detail);
    }

    public static ProblemException unavailable(ProblemType type, String detail, Duration retryAfter) {
        return new ProblemException(type, detail, List.of(), retryAfter);
    }

    public Problem toProblem(String instance) {
        return Problem.of(type, getMessage(), instance, errors);
    }

    public ProblemType type() {
        return type;
    }

    public int status() {
        return type.status();
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
