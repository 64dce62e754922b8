package dev.para.dispatch.github.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.para.dispatch.LogFields;
import dev.para.dispatch.Redactor;
import dev.para.dispatch.api.Problem;
import dev.para.dispatch.api.ProblemType;
import dev.para.dispatch.github.AppCredentials;
import dev.para.dispatch.github.GitHubConfig;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * GitHub's webhook intake: verify, store, answer. It is a plain Vert.x route rather than a REST
 * resource (as the Quarkus GitHub App extension does it) because it is the one hot path of the
 * service: no request scope, no context propagation, the body handed over as GitHub sent it.
 * Processing happens afterwards ({@link WebhookProcessor}), so GitHub gets its answer in
 * milliseconds and a crash after the answer loses nothing.
 *
 * <p>Over 300 lines: every refusal of the hot path (size, deadline, signature, headers, budget)
 * is answered here, before any allocation the next step would make.
 */
@ApplicationScoped
public class WebhookRoute {

    public static final String PATH = "/github/webhook";
    /** GitHub caps payloads at 25 MB. */
    public static final long MAX_BODY_BYTES = 25L * 1024 * 1024;

    private static final String STORAGE_RETRY_SECONDS = "10";

    private static final String BUSY_RETRY_SECONDS = "5";

    private final WebhookIntake intake;
    private final AppCredentials credentials;
    private final WebhookMetrics metrics;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final GitHubConfig.Webhook config;
    private final BodyBudget bodyBudget;

    WebhookRoute(
            WebhookIntake intake,
            AppCredentials credentials,
            WebhookMetrics metrics,
            ObjectMapper json,
            Vertx vertx,
            GitHubConfig github) {
        this.intake = intake;
        this.credentials = credentials;
        this.metrics = metrics;
        this.json = json;
        this.vertx = vertx;
        this.config = github.webhook();
        this.bodyBudget = new BodyBudget(config.maxInFlightBytes().asLongValue());
        metrics.watch(bodyBudget);
    }

    void register(@Observes Router router) {
        router.post(PATH).handler(this::read).failureHandler(this::failed);
    }

    /**
     * Reads the body into an array of its declared length ({@link WebhookBody}) rather than through
     * Vert.x's BodyHandler, whose growing buffer and final copy made half of the intake's allocations.
     * A body must arrive within {@code para.github.webhook.body-read-timeout}, and all bodies being
     * read hold at most {@code para.github.webhook.max-in-flight-bytes}: beyond, 503 and Retry-After.
     */
    void read(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        long declared = contentLength(request);
        if (declared > MAX_BODY_BYTES) {
            tooLarge(ctx);
            return;
        }
        if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
            request.response().writeContinue();
        }
        WebhookBody body = new WebhookBody(declared, MAX_BODY_BYTES, bodyBudget);
        long deadline = vertx.setTimer(config.bodyReadTimeout().toMillis(), fired -> {
            body.release();
            if (!ctx.response().ended()) {
                count("unverified", "rejected");
                ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
                problem(
                        ctx,
                        ProblemType.BODY_TIMEOUT,
                        "The delivery's body did not arrive within "
                                + config.bodyReadTimeout().toSeconds() + " s",
                        null);
            }
        });
        request.handler(chunk -> {
            if (!body.append(chunk) && !ctx.response().ended()) {
                vertx.cancelTimer(deadline);
                if (body.refusal() == WebhookBody.Refusal.OVER_BUDGET) {
                    busy(ctx);
                } else {
                    tooLarge(ctx);
                }
            }
        });
        // a body cut short (the sender went away) is not stored and not answered: GitHub shows it failed
        request.exceptionHandler(failure -> {
            vertx.cancelTimer(deadline);
            body.release();
            Log.debugf("Delivery body not read: %s", Redactor.describe(failure));
        });
        request.endHandler(end -> {
            vertx.cancelTimer(deadline);
            if (body.refusal() == WebhookBody.Refusal.NONE && !ctx.response().ended()) {
                byte[] bytes = body.bytes();
                body.release(); // the budget is for bodies being read; this one is read
                receive(ctx, bytes);
            }
        });
        request.resume();
    }

    /** All bodies being read hold the budget: answered at once, the connection closed, GitHub retries. */
    private void busy(RoutingContext ctx) {
        count("unverified", "unavailable");
        ctx.response()
                .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
                .putHeader(HttpHeaders.RETRY_AFTER, BUSY_RETRY_SECONDS);
        problem(
                ctx,
                ProblemType.INTAKE_BUSY,
                "Too many deliveries are being received at once; redeliver this one shortly",
                null);
    }

    void receive(RoutingContext ctx, byte[] body) {
        HttpServerRequest request = ctx.request();
        // The previous secret is accepted too while a rotation is under way (docs/operations.md).
        List<WebhookSignature> signatures = credentials.webhookSignatures();
        if (signatures.isEmpty()) {
            problem(
                    ctx,
                    ProblemType.WEBHOOK_NOT_CONFIGURED,
                    "Webhook intake is not configured: set para.github.webhook-secret",
                    null);
            return;
        }
        String header = request.getHeader("X-Hub-Signature-256");
        if (signatures.stream().noneMatch(signature -> signature.verify(body, header))) {
            count("unverified", "rejected");
            problem(
                    ctx,
                    ProblemType.INVALID_SIGNATURE,
                    "X-Hub-Signature-256 is missing or does not match the body",
                    null);
            return;
        }
        String event = request.getHeader("X-GitHub-Event");
        if (!isEventName(event)) {
            count("unverified", "rejected");
            problem(
                    ctx,
                    ProblemType.VALIDATION,
                    "X-GitHub-Event: must name a GitHub event",
                    new Problem.FieldError("X-GitHub-Event", "must name a GitHub event"));
            return;
        }
        String deliveryId = request.getHeader("X-GitHub-Delivery");
        if (!isDeliveryId(deliveryId)) {
            count(event, "rejected");
            problem(
                    ctx,
                    ProblemType.VALIDATION,
                    "X-GitHub-Delivery: must be the delivery's GUID",
                    new Problem.FieldError("X-GitHub-Delivery", "must be the delivery's GUID"));
            return;
        }
        if (!PayloadPeek.isJsonObject(body)) {
            count(event, "rejected");
            problem(
                    ctx,
                    ProblemType.MALFORMED_PAYLOAD,
                    "The delivery's body is not a JSON object; set the webhook's content type to application/json",
                    null);
            return;
        }
        Context context = Vertx.currentContext();
        intake.store(deliveryId, event, body)
                .whenComplete((isNew, failure) -> context.runOnContext(v -> {
                    if (failure != null) {
                        // Not stored means not acknowledged: GitHub shows the failure and the delivery can be
                        // redelivered.
                        count(event, "unavailable");
                        try (LogFields ignored = LogFields.delivery(deliveryId)) {
                            Log.warnf("Delivery %s could not be stored: %s", deliveryId, describe(failure));
                        }
                        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, STORAGE_RETRY_SECONDS);
                        problem(
                                ctx,
                                ProblemType.STORAGE_UNAVAILABLE,
                                "The delivery could not be stored; redeliver it shortly",
                                null);
                        return;
                    }
                    count(event, isNew ? "accepted" : "duplicate");
                    ctx.response()
                            .setStatusCode(isNew ? 202 : 200)
                            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                            .end("{\"delivery\":\"" + deliveryId + "\",\"status\":\""
                                    + (isNew ? "accepted" : "duplicate") + "\"}");
                }));
    }

    /** Answered at once; the connection closes after it, so the rest of the body is not read. */
    private void tooLarge(RoutingContext ctx) {
        count("unverified", "rejected");
        ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        problem(ctx, ProblemType.PAYLOAD_TOO_LARGE, "Webhook payloads are limited to 25 MiB", null);
    }

    private void failed(RoutingContext ctx) {
        Log.errorf(
                "Webhook intake failed: %s",
                ctx.failure() == null
                        ? "status " + ctx.statusCode()
                        : ctx.failure().getClass().getName());
        problem(ctx, ProblemType.INTERNAL, "The delivery could not be taken in", null);
    }

    /** The declared Content-Length, or -1 when there is none (a chunked body) or it is not a number. */
    static long contentLength(HttpServerRequest request) {
        String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void problem(RoutingContext ctx, ProblemType type, String detail, Problem.FieldError error) {
        Problem problem = Problem.of(type, detail, PATH, error == null ? List.of() : List.of(error));
        try {
            ctx.response()
                    .setStatusCode(type.status())
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .end(json.writeValueAsString(problem));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            ctx.response().setStatusCode(type.status()).end();
        }
    }

    private void count(String event, String outcome) {
        metrics.received(event, outcome);
    }

    /** GitHub event names: lower case and underscores ({@code [a-z_]{1,64}}). */
    static boolean isEventName(String s) {
        if (s == null || s.isEmpty() || s.length() > 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** Delivery GUIDs: hex digits and dashes; letters and digits allowed ({@code [A-Za-z0-9-]{1,100}}). */
    static boolean isDeliveryId(String s) {
        if (s == null || s.isEmpty() || s.length() > 100) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static String describe(Throwable failure) {
        return failure instanceof PgException pg
                ? "PostgreSQL " + pg.getSqlState() + " " + pg.getErrorMessage()
                : Redactor.describe(failure);
    }
}
