package dev.para.dispatch.installation;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.para.dispatch.audit.AuditLog;
import dev.para.dispatch.github.InstallationTokenService;
import dev.para.dispatch.github.model.GitHubInstallation;
import dev.para.dispatch.github.model.GitHubRepository;
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

    private static final TypeReference<List<GitHubRepository>> REPOSITORIES = new TypeReference<>() {};

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
        return switch (event.name()) {
            case "installation.created", "installation.new_permissions_accepted" ->
                installations
                        .upsert(
                                installation(event),
                                repositories(event.payload().path("repositories")),
                                event.name(),
                                installer(event))
                        .replaceWith(Outcome.PROCESSED);
            case "installation.deleted" ->
                installations
                        .markDeleted(installation(event).id())
                        .call(() ->
                                tokens.forgetInstallation(installation(event).id()))
                        .replaceWith(Outcome.PROCESSED);
            case "installation.suspend" ->
                installations
                        .suspend(installation(event).id(), installation(event).suspendedAt())
                        .call(() ->
                                tokens.forgetInstallation(installation(event).id()))
                        .replaceWith(Outcome.PROCESSED);
            case "installation.unsuspend" ->
                installations.unsuspend(installation(event).id()).replaceWith(Outcome.PROCESSED);
            case "installation_repositories.added", "installation_repositories.removed" ->
                installations
                        .changeGrants(
                                installation(event),
                                event.payload().path("repository_selection").asText(null),
                                orEmpty(repositories(event.payload().path("repositories_added"))),
                                orEmpty(repositories(event.payload().path("repositories_removed"))))
                        .replaceWith(Outcome.PROCESSED);
            case "github_app_authorization.revoked" -> authorizationRevoked(event);
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
            JsonNode payload = event.payload();
            if (event.event().equals("installation")) {
                folded.described(
                        installation(event),
                        repositories(payload.path("repositories")),
                        event.name(),
                        installer(event));
            } else {
                folded.grantsChanged(
                        installation(event),
                        payload.path("repository_selection").asText(null),
                        orEmpty(repositories(payload.path("repositories_added"))),
                        orEmpty(repositories(payload.path("repositories_removed"))));
            }
        }
        return changes.write(folded);
    }

    /** A user revoked the App's authorization. We keep no user tokens, so recording it is all. */
    @WithTransaction
    Uni<Outcome> authorizationRevoked(WebhookEvent event) {
        String login = event.payload().path("sender").path("login").asText("unknown");
        return audit.record(null, AuditLog.GITHUB, "github_app_authorization.revoked", "github_user", login, Map.of())
                .replaceWith(Outcome.PROCESSED);
    }

    /** The user who installed it: the sender of {@code installation.created}, and of no other event. */
    private static Long installer(WebhookEvent event) {
        JsonNode id = event.payload().path("sender").path("id");
        return event.name().equals("installation.created") && id.canConvertToLong() ? id.asLong() : null;
    }

    private GitHubInstallation installation(WebhookEvent event) {
        return json.convertValue(event.payload().path("installation"), GitHubInstallation.class);
    }

    private List<GitHubRepository> repositories(JsonNode node) {
        return node.isArray() ? json.convertValue(node, REPOSITORIES) : null;
    }

    private static List<GitHubRepository> orEmpty(List<GitHubRepository> list) {
        return list == null ? List.of() : list;
    }
}
