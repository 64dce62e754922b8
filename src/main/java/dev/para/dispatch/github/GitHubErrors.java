package dev.para.dispatch.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.para.dispatch.Texts;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Classifies GitHub's error answers (documented at "Troubleshooting the REST API" and "Rate limits
 * for the REST API") into {@link GitHubError}s. Rate-limit waits are computed from GitHub's own
 * {@code Date} header, so our clock's drift does not matter.
 */
final class GitHubErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GitHubErrors() {}

    static GitHubException classify(String operation, Response response) {
        int status = response.getStatus();
        String message = message(response);
        String lower = message.toLowerCase(Locale.ROOT);
        GitHubError error;
        Duration retryAfter = null;
        if (status == 429 || (status == 403 && isRateLimit(response, lower))) {
            error = GitHubError.RATE_LIMITED;
            retryAfter = rateLimitWait(response);
        } else if (status == 401) {
            error = GitHubError.BAD_CREDENTIALS;
        } else if (status == 403) {
            error = lower.contains("suspended") ? GitHubError.SUSPENDED : GitHubError.INSUFFICIENT_PERMISSIONS;
        } else if (status == 404) {
            error = operation.contains("Installation") && !operation.startsWith("listUser")
                    ? GitHubError.INSTALLATION_NOT_FOUND
                    : GitHubError.REPOSITORY_NOT_FOUND;
        } else if (status == 422 && lower.contains("repositor")) {
            error = GitHubError.REPOSITORY_NOT_FOUND;
        } else if (status >= 500) {
            error = GitHubError.UNAVAILABLE;
            retryAfter = header(response, HttpHeaders.RETRY_AFTER) == null ? null : rateLimitWait(response);
        } else {
            error = GitHubError.REJECTED;
        }
        return new GitHubException(
                error,
                operation + " answered " + status
                        + (message.isEmpty() ? "" : " (" + Texts.truncate(message, 200) + ")"),
                retryAfter,
                status);
    }

    private static boolean isRateLimit(Response response, String lowerMessage) {
        return "0".equals(header(response, "X-RateLimit-Remaining"))
                || header(response, HttpHeaders.RETRY_AFTER) != null
                || lowerMessage.contains("rate limit");
    }

    /** When GitHub says the limit resets; null when it does not say (a secondary limit: the caller decides). */
    static Duration rateLimitWait(Response response) {
        String retryAfter = header(response, HttpHeaders.RETRY_AFTER);
        if (retryAfter != null) {
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.trim())));
            } catch (NumberFormatException ignored) {
                // an HTTP-date form is allowed too, but GitHub sends seconds
            }
        }
        String reset = header(response, "X-RateLimit-Reset");
        String date = header(response, HttpHeaders.DATE);
        if ("0".equals(header(response, "X-RateLimit-Remaining")) && reset != null && date != null) {
            try {
                long serverNow = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toEpochSecond();
                return Duration.ofSeconds(Math.max(1, Long.parseLong(reset.trim()) - serverNow));
            } catch (RuntimeException ignored) {
                // fall through to GitHub's own advice
            }
        }
        return null;
    }

    private static String message(Response response) {
        try {
            if (!response.hasEntity()) {
                return "";
            }
            String body = response.readEntity(String.class);
            if (body == null || body.isBlank()) {
                return "";
            }
            JsonNode node = JSON.readTree(body);
            return node.path("message").asText("");
        } catch (Exception e) {
            return "";
        }
    }

    private static String header(Response response, String name) {
        return response.getHeaderString(name);
    }
}
