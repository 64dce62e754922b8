package dev.para.dispatch.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem detail. {@code type} is stable per kind of problem; clients switch on it.
 * {@code detail} is written for a person and never carries an exception message or class name.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_PREFIX = "urn:para-dispatch:problem:";

    /** A validation error on one field of the request. */
    public record FieldError(String field, String message) {}

    /** A problem of the catalogue, about {@code instance} (the request's path; may be null). */
    public static Problem of(ProblemType type, String detail, String instance, List<FieldError> errors) {
        return new Problem(type.uri(), type.title(), type.status(), detail, instance, errors);
    }
}
