package dev.para.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Why a command stopped, as one line a person can act on, with its exit code: the service's
 * problem+json (RFC 9457: title, detail, the field at fault), no answer at all, or bad input.
 */
public final class CommandFailure extends RuntimeException {

    private final int exitCode;

    CommandFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** The problem the service answered with, or what the answer was when it was not one. */
    static CommandFailure ofAnswer(int status, String body, JsonNode problem) {
        int code = ExitCode.ofStatus(status);
        if (problem == null || !problem.isObject() || !problem.has("title")) {
            String text = body == null ? "" : body.strip();
            return new CommandFailure(
                    code, "HTTP " + status + (text.isEmpty() ? "" : ": " + Text.firstLine(text, 200)));
        }
        StringBuilder line = new StringBuilder(problem.path("title").asText());
        String detail = problem.path("detail").asText("");
        if (!detail.isEmpty() && !detail.equals(line.toString())) {
            line.append(": ").append(detail);
        }
        for (JsonNode error : problem.path("errors")) {
            String field = error.path("field").asText("");
            String said = (field.isEmpty() ? "" : field + ": ")
                    + error.path("message").asText("");
            if (!detail.contains(said)) { // a problem with one error often says it in its detail too
                line.append(" (").append(said).append(')');
            }
        }
        if (status == 401) {
            line.append("; log in again: para login --url URL --token-file FILE");
        }
        return new CommandFailure(code, line.toString());
    }

    /** The service could not be reached. */
    static CommandFailure unreachable(String url, Exception cause) {
        String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new CommandFailure(ExitCode.SERVER, "cannot reach " + url + " (" + why + ")");
    }

    /** The command line asks for something that cannot be done; nothing was sent. */
    static CommandFailure usage(String message) {
        return new CommandFailure(ExitCode.USAGE, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
