package dev.para.dispatch.api;

/**
 * Every kind of problem the service answers, once: its stable slug (the {@code type} URI clients
 * switch on is {@link Problem#TYPE_PREFIX} + slug), its status and its title. Listed in the
 * OpenAPI document ({@link ProblemCatalogueFilter}) and in docs/problems.md.
 */
public enum ProblemType {
    VALIDATION("validation", 400, "Invalid request"),
    MALFORMED_BODY("malformed-body", 400, "Malformed request body"),
    MALFORMED_PAYLOAD("malformed-payload", 400, "Malformed payload"),
    MANIFEST_CODE_REJECTED("manifest-code-rejected", 400, "Bad Request"),
    UNAUTHORIZED("unauthorized", 401, "Unauthorized"),
    INVALID_SIGNATURE("invalid-signature", 401, "Unauthorized"),
    OAUTH_CODE_REJECTED("oauth-code-rejected", 401, "Unauthorized"),
    FORBIDDEN("forbidden", 403, "Forbidden"),
    APP_OWNER_UNEXPECTED("app-owner-unexpected", 403, "Forbidden"),
    GITHUB_IDENTITY_REQUIRED("github-identity-required", 403, "Forbidden"),
    INSTALLATION_LINK_FORBIDDEN("installation-link-forbidden", 403, "Forbidden"),
    INSTALLATION_NOT_ACCESSIBLE("installation-not-accessible", 403, "Forbidden"),
    PUSH_PERMISSION_REQUIRED("push-permission-required", 403, "Forbidden"),
    NOT_FOUND("not-found", 404, "Not Found"),
    NO_POD_YET("no-pod-yet", 404, "No log yet"),
    METHOD_NOT_ALLOWED("method-not-allowed", 405, "Method Not Allowed"),
    NOT_ACCEPTABLE("not-acceptable", 406, "Not Acceptable"),
    BODY_TIMEOUT("body-timeout", 408, "Request Timeout"),
    APP_ALREADY_SET_UP("app-already-set-up", 409, "Conflict"),
    APP_CONFIGURED("app-configured", 409, "Conflict"),
    CREDENTIAL_IN_USE("credential-in-use", 409, "Conflict"),
    CREDENTIAL_UNREADABLE("credential-unreadable", 409, "Conflict"),
    INSTALLATION_LINKED("installation-linked", 409, "Conflict"),
    NOTHING_TO_PICK("nothing-to-pick", 409, "Conflict"),
    NOTHING_TO_RECOVER("nothing-to-recover", 409, "Conflict"),
    PICKED_ALREADY("picked-already", 409, "Conflict"),
    SESSION_NAME_TAKEN("session-name-taken", 409, "Conflict"),
    PAYLOAD_TOO_LARGE("payload-too-large", 413, "Payload Too Large"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "Unsupported Media Type"),
    BUDGET_OVER_SESSION_LIMIT("budget-over-session-limit", 422, "Budget over the session limit"),
    CREDENTIAL_UNUSABLE("credential-unusable", 422, "Unprocessable Content"),
    GITHUB_REFUSED("github-refused", 422, "GitHub refused"),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", 422, "Unprocessable Content"),
    IMAGE_NOT_PULLABLE("image-not-pullable", 422, "Unprocessable Content"),
    INSTALLATION_SUSPENDED("installation-suspended", 422, "Installation suspended"),
    NO_INSTALLATION("no-installation", 422, "Repository not accessible"),
    PROMPT_FILE_NOT_FOUND("prompt-file-not-found", 422, "Prompt file not found"),
    REPOSITORY_NOT_ACCESSIBLE("repository-not-accessible", 422, "Repository not accessible"),
    UNKNOWN_AGENT_IMAGE("unknown-agent-image", 422, "Unknown agent image"),
    DAILY_BUDGET_SPENT("daily-budget-spent", 429, "Daily budget spent"),
    IMAGE_CHECKS_LIMITED("image-checks-limited", 429, "Too Many Requests"),
    QUOTA_EXCEEDED("quota-exceeded", 429, "Too Many Requests"),
    TOO_MANY_STREAMS("too-many-streams", 429, "Too Many Requests"),
    INTERNAL("internal", 500, "Internal Server Error"),
    LOG_UNAVAILABLE("log-unavailable", 502, "Log unavailable"),
    APP_NOT_CONFIGURED("app-not-configured", 503, "Service Unavailable"),
    DATABASE_BUSY("database-busy", 503, "Service Unavailable"),
    GITHUB_UNAVAILABLE("github-unavailable", 503, "Service Unavailable"),
    INTAKE_BUSY("intake-busy", 503, "Service Unavailable"),
    REGISTRY_UNAVAILABLE("registry-unavailable", 503, "Service Unavailable"),
    STORAGE_UNAVAILABLE("storage-unavailable", 503, "Service Unavailable"),
    WEBHOOK_NOT_CONFIGURED("webhook-not-configured", 503, "Service Unavailable");

    private final String slug;
    private final int status;
    private final String title;

    ProblemType(String slug, int status, String title) {
        this.slug = slug;
        this.status = status;
        this.title = title;
    }

    public String slug() {
        return slug;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The {@code type} of the problem detail. */
    public String uri() {
        return Problem.TYPE_PREFIX + slug;
    }

    /** The problem of a bare HTTP status the framework answered (a wrong method, media type…), if one is catalogued. */
    public static java.util.Optional<ProblemType> ofStatus(int status) {
        return switch (status) {
            case 404 -> java.util.Optional.of(NOT_FOUND);
            case 405 -> java.util.Optional.of(METHOD_NOT_ALLOWED);
            case 406 -> java.util.Optional.of(NOT_ACCEPTABLE);
            case 413 -> java.util.Optional.of(PAYLOAD_TOO_LARGE);
            case 415 -> java.util.Optional.of(UNSUPPORTED_MEDIA_TYPE);
            default -> java.util.Optional.empty();
        };
    }
}
