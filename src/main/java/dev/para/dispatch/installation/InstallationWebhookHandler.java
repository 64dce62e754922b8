package dev.para.dispatch.installation;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.para.dispatch.audit.AuditLog;
import dev.para.dispatch.github.InstallationTokenService;
import dev.para.dispatch.github.model.InstallationEventPayload;
import dev.para.dispatch.github.webhook.WebhookEvent;
import dev.para.dispatch.github.webhook.WebhookHandler;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps installations current from GitHub's {@code installation}, {@code installation_repositories}
 * and {@code github_app_authorization} events.
 */
@ApplicationScoped
public class InstallationWebhookHandler implements WebhookHandler {

    /** The events that only describe an installation and its grants, which a burst of installs is made of. */
    private static final Set<String> BATCHED = Set.of(
            "installation.created",
            "installation.new_permissions_accepted",
            "installation_repositories.added",
            "installation_repositories.removed");

    private final InstallationService installations;
    private final InstallationChangeWriter changes;
    private final InstallationTokenService tokens;
    private final AuditLog audit;
    private final ObjectMapper json;

    InstallationWebhookHandler(
            InstallationService installations,
            InstallationChangeWriter changes,
            InstallationTokenService tokens,
            AuditLog audit,
            ObjectMapper json) {
        this.installations = installations;
        this.changes = changes;
        this.tokens = tokens;
        this.audit = audit;
        this.json = json;
    }

    @Override
    public Set<String> events() {
        return Set.of("installation", "installation_repositories", "github_app_authorization");
    }

    @Override
    public Uni<Outcome> handle(WebhookEvent event) {
        InstallationEventPayload p = payload(event);
        long id = p.installation() == null ? 0 : p.installation().id();
        return switch (event.name()) {
            case "installation.created", "installation.new_permissions_accepted" ->
                installations
                        .upsert(p.installation(), p.repositories(), event.name(), installer(event, p))
                        .replaceWith(Outcome.PROCESSED);
            case "installation.deleted" ->
                installations
                        .markDeleted(id)
                        .call(() -> tokens.forgetInstallation(id))
                        .replaceWith(Outcome.PROCESSED);
            case "installation.suspend" ->
                installations
                        .suspend(id, p.installation().suspendedAt())
                        .call(() -> tokens.forgetInstallation(id))
                        .replaceWith(Outcome.PROCESSED);
            case "installation.unsuspend" -> installations.unsuspend(id).replaceWith(Outcome.PROCESSED);
            case "installation_repositories.added", "installation_repositories.removed" ->
                installations
                        .changeGrants(p.installation(), p.repositorySelection(), p.added(), p.removed())
                        .replaceWith(Outcome.PROCESSED);
            case "github_app_authorization.revoked" -> authorizationRevoked(p);
            default -> Uni.createFrom().item(Outcome.IGNORED);
        };
    }

    @Override
    public boolean handlesInBatches(WebhookEvent event) {
        return BATCHED.contains(event.name()) && event.installationId().isPresent();
    }

    @Override
    public Uni<Void> handleAll(List<WebhookEvent> events) {
        InstallationChanges folded = new InstallationChanges();
        for (WebhookEvent event : events) {
            InstallationEventPayload p = payload(event);
            if (event.event().equals("installation")) {
                folded.described(p.installation(), p.repositories(), event.name(), installer(event, p));
            } else {
                folded.grantsChanged(p.installation(), p.repositorySelection(), p.added(), p.removed());
            }
        }
        return changes.write(folded);
    }

    /** A user revoked the App's authorization. We keep no user tokens, so recording it is all. */
    @WithTransaction
    Uni<Outcome> authorizationRevoked(InstallationEventPayload p) {
        String login = p.sender() == null || p.sender().login() == null
                ? "unknown"
                : p.sender().login();
        return audit.record(null, AuditLog.GITHUB, "github_app_authorization.revoked", "github_user", login, Map.of())
                .replaceWith(Outcome.PROCESSED);
    }

    /** The user who installed it: the sender of {@code installation.created}, and of no other event. */
    private static Long installer(WebhookEvent event, InstallationEventPayload p) {
        return event.name().equals("installation.created") && p.sender() != null
                ? p.sender().id()
                : null;
    }

    private InstallationEventPayload payload(WebhookEvent event) {
        return json.convertValue(event.payload(), InstallationEventPayload.class);
    }
}
