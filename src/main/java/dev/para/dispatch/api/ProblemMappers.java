package dev.para.dispatch.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.para.dispatch.Redactor;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.pgclient.PgException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns errors into RFC 9457 problem details. Each mapper is narrow; none echoes an exception's
 * message or class, and the last resort answers 500 with an id that is also in the log.
 */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return answer(e, uri);
    }

    /** The answer to a problem, for the features' own mappers (GitHub's, a registry's failures). */
    public static Response answer(ProblemException e, UriInfo uri) {
        Response.ResponseBuilder response = respond(e.toProblem(uri.getPath()));
        e.retryAfter().ifPresent(d -> response.header(HttpHeaders.RETRY_AFTER, Math.max(1, d.toSeconds())));
        if (e.status() == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                .map(v -> new Problem.FieldError(fieldName(v), v.getMessage()))
                .toList();
        String detail = errors.stream()
                .map(f -> f.field() + ": " + f.message())
                .reduce((a, b) -> a + "; " + b)
                .orElse("The request is not valid");
        return respond(Problem.of(ProblemType.VALIDATION, detail, uri.getPath(), errors))
                .build();
    }

    /** Declared for this exact type so that it, not Quarkus' built-in mapper (plain JSON), answers. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return mismatchedJson(e, uri);
    }

    /** A body that is JSON but not of the request's shape: names the field and what it must be. */
    @ServerExceptionMapper
    public Response mismatchedJson(JsonMappingException e, UriInfo uri) {
        String field = fieldPath(e.getPath());
        if (field.isEmpty()) {
            return malformedJson(e, uri);
        }
        String message = e instanceof UnrecognizedPropertyException
                ? "is not a field of this request"
                : e instanceof MismatchedInputException m && m.getTargetType() != null
                        ? "must be " + jsonTypeOf(m.getTargetType())
                        : "is not valid here";
        return respond(Problem.of(
                        ProblemType.VALIDATION,
                        field + ": " + message,
                        uri.getPath(),
                        List.of(new Problem.FieldError(field, message))))
                .build();
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        return respond(problem(
                        ProblemType.MALFORMED_BODY, "The request body is not valid JSON of the expected shape", uri))
                .build();
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e, UriInfo uri) {
        return respond(problem(ProblemType.UNAUTHORIZED, "A valid bearer token is required", uri))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return respond(problem(ProblemType.FORBIDDEN, "The caller may not do this", uri))
                .build();
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri) {
        // The JSON body reader wraps what Jackson said (a control character in a string, a wrong
        // type) in a bare 400: answered as the Jackson failure itself, with its words.
        if (e.getCause() instanceof JsonMappingException mapping
                && !(mapping.getCause() instanceof JsonProcessingException)) {
            return mismatchedJson(mapping, uri);
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json, uri);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return internal(e, uri);
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "Request failed";
        // A status the catalogue does not name keeps a type of its own: http-<status>.
        Problem problem = ProblemType.ofStatus(status)
                .map(type -> Problem.of(type, type.title(), uri.getPath(), List.of()))
                .orElseGet(() -> new Problem(
                        Problem.TYPE_PREFIX + "http-" + status, title, status, title, uri.getPath(), List.of()));
        Response.ResponseBuilder response = respond(problem);
        if (status == 405) {
            response.allow(e.getResponse().getAllowedMethods());
        }
        return response.build();
    }

    /**
     * PostgreSQL gave up a statement that waited too long or lost a race (lock_timeout,
     * statement_timeout, deadlock, serialization): nothing was written, and the same request will
     * likely pass in a moment. Found anywhere in the cause chain (Hibernate Reactive wraps it).
     */
    private static final Set<String> BUSY = Set.of("55P03", "57014", "40P01", "40001");

    private static final int BUSY_RETRY_SECONDS = 2;

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response internal(Throwable e, UriInfo uri) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String state = t instanceof PgException pg
                    ? pg.getSqlState()
                    : t instanceof SQLException sql ? sql.getSQLState() : null;
            if (state != null && BUSY.contains(state)) {
                Log.warnf("Database busy on %s (SQL state %s); answered 503", uri.getPath(), state);
                return respond(problem(
                                ProblemType.DATABASE_BUSY,
                                "The database was busy with the same data; nothing was changed. Try again shortly.",
                                uri))
                        .header(HttpHeaders.RETRY_AFTER, BUSY_RETRY_SECONDS)
                        .build();
            }
        }
        String errorId = UUID.randomUUID().toString();
        // Enough for an operator to diagnose: the messages, secrets redacted, and where it was thrown.
        Log.errorf("Internal error %s on %s: %s", errorId, uri.getPath(), Redactor.trace(e));
        return respond(problem(
                        ProblemType.INTERNAL, "Something went wrong on our side; quote error id " + errorId, uri))
                .build();
    }

    /** {@code agentImage.resources.cpuLimit}, {@code tags[2]}: the field as the client wrote it. */
    private static String fieldPath(List<JsonMappingException.Reference> path) {
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference step : path) {
            if (step.getFieldName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(step.getFieldName());
            } else if (step.getIndex() >= 0) {
                field.append('[').append(step.getIndex()).append(']');
            }
        }
        return field.toString();
    }

    /** The JSON type a Java type is read from, in the words of the API's documentation. */
    private static String jsonTypeOf(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (CharSequence.class.isAssignableFrom(type) || type.isEnum()) {
            return "a string";
        }
        if (Iterable.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    private static Problem problem(ProblemType type, String detail, UriInfo uri) {
        return Problem.of(type, detail, uri.getPath(), List.of());
    }

    private static Response.ResponseBuilder respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    }

    private static String fieldName(ConstraintViolation<?> violation) {
        // "list.arg0.limit" or "create.request.name" → the last node is the field the client sent
        String path = violation.getPropertyPath().toString();
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
