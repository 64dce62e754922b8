package dev.para.dispatch.github.webhook;

import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.github.GitHubConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Optional;
import io.quarkus.logging.Log;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * GitHub's webhook intake: verify, store, answer. Processing happens afterwards from the stored
 * row ({@link WebhookProcessor}), so GitHub gets its answer in milliseconds and a crash after the
 * answer loses nothing.
 */
@Path("/github/webhook")
@Tag(name = "GitHub")
public class WebhookResource {

    static final String DELIVERIES_COUNTER = "para.webhook.deliveries";

    private static final Duration STORAGE_RETRY = Duration.ofSeconds(10);
    private static final Pattern EVENT = Pattern.compile("[a-z_]{1,64}");
    private static final Pattern DELIVERY = Pattern.compile("[A-Za-z0-9-]{1,100}");

    private final WebhookIntake intake;
    private final Optional<WebhookSignature> signature;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    WebhookResource(WebhookIntake intake, GitHubConfig config, MeterRegistry registry) {
        this.intake = intake;
        this.signature = config.webhookSecret().filter(s -> !s.isEmpty()).map(WebhookSignature::new);
        this.registry = registry;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Receive a GitHub webhook delivery",
            description = "Verifies X-Hub-Signature-256, stores the delivery and answers 202; a redelivery answers 200.")
    public Uni<Response> receive(@HeaderParam("X-Hub-Signature-256") String signatureHeader,
            @HeaderParam("X-GitHub-Event") String event, @HeaderParam("X-GitHub-Delivery") String deliveryId,
            byte[] body) {
        WebhookSignature verifier = signature.orElseThrow(() -> ProblemException.unavailable("webhook-not-configured",
                "Webhook intake is not configured: set para.github.webhook-secret", null));
        if (!verifier.verify(body, signatureHeader)) {
            count("unverified", "rejected");
            throw new ProblemException("invalid-signature", "Unauthorized", 401,
                    "X-Hub-Signature-256 is missing or does not match the body");
        }
        if (event == null || !EVENT.matcher(event).matches()) {
            count("unverified", "rejected");
            throw ProblemException.badRequest("X-GitHub-Event", "must name a GitHub event");
        }
        if (deliveryId == null || !DELIVERY.matcher(deliveryId).matches()) {
            count(event, "rejected");
            throw ProblemException.badRequest("X-GitHub-Delivery", "must be the delivery's GUID");
        }
        return intake.store(deliveryId, event, body)
                .map(isNew -> {
                    count(event, isNew ? "accepted" : "duplicate");
                    return isNew
                            ? Response.accepted(new WebhookReceipt(deliveryId, "accepted")).build()
                            : Response.ok(new WebhookReceipt(deliveryId, "duplicate")).build();
                })
                .onFailure(e -> !(e instanceof ProblemException)).transform(e -> {
                    // Not stored means not acknowledged: GitHub shows the failure and can redeliver.
                    count(event, "unavailable");
                    Log.warnf("Delivery %s could not be stored: %s", deliveryId, e.getClass().getSimpleName());
                    return ProblemException.unavailable("storage-unavailable",
                            "The delivery could not be stored; redeliver it shortly", STORAGE_RETRY);
                });
    }

    private void count(String event, String outcome) {
        counters.computeIfAbsent(event + '/' + outcome, k -> Counter.builder(DELIVERIES_COUNTER)
                .description("Webhook deliveries received, by event and outcome (accepted, duplicate, rejected)")
                .tags("event", event, "outcome", outcome)
                .register(registry)).increment();
    }
}
