package dev.para.dispatch.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.ProblemType;
import dev.para.dispatch.audit.AuditLog;
import dev.para.dispatch.crypto.Sealer;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** An account's sealed credentials: stored, listed without their values, opened only for use. */
@ApplicationScoped
public class CredentialService {

    /** The purpose sealed values of this table are bound to (see crypto.ResealJob). */
    static final String PURPOSE = "credential";

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final int MAX_SECRET = 8192;

    /** A request the caller may make: stored, and whether it was new. */
    public record Stored(CredentialView view, boolean created) {}

    private final Sealer sealer;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final Clock clock;

    CredentialService(Sealer sealer, AuditLog audit, ObjectMapper json, Clock clock) {
        this.sealer = sealer;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    @WithTransaction
    public Uni<Stored> put(String accountId, String actor, String name, CredentialRequest request) {
        requireName(name);
        if (request == null) {
            throw ProblemException.badRequest("body", "is required");
        }
        CredentialKind kind = CredentialKind.of(request.kind())
                .orElseThrow(() -> ProblemException.badRequest(
                        "kind", "must be one of registry-basic, anthropic-api-key, claude-oauth-token"));
        String secret;
        String fingerprint;
        if (kind == CredentialKind.REGISTRY_BASIC) {
            RegistryCredential login = new RegistryCredential(
                    required("username", request.username()), required("password", request.password()));
            secret = write(Map.of("username", login.username(), "password", login.password()));
            fingerprint = login.fingerprint();
        } else {
            secret = required("value", request.value());
            fingerprint = Fingerprints.of(secret);
        }
        String sealed = sealer.seal(secret, PURPOSE, binding(accountId, name));
        return Credential.named(accountId, name).flatMap(existing -> {
            Credential c = existing != null ? existing : new Credential();
            boolean created = existing == null;
            if (created) {
                c.accountId = accountId;
                c.name = name;
                c.createdAt = clock.instant();
            }
            c.kind = kind.wire();
            c.sealedValue = sealed;
            c.keyId = Sealer.keyIdOf(sealed);
            c.fingerprint = fingerprint;
            c.updatedAt = clock.instant();
            return c.<Credential>persist()
                    .call(saved -> audit.record(
                            accountId,
                            actor,
                            created ? "credential.created" : "credential.replaced",
                            "credential",
                            name,
                            Map.of("kind", kind.wire(), "fingerprint", fingerprint)))
                    .map(saved -> new Stored(CredentialView.of(saved), created));
        });
    }

    @WithSession
    public Uni<List<CredentialView>> page(String accountId, String afterName, int limit) {
        return Credential.pageForAccount(accountId, afterName, limit)
                .map(all -> all.stream().map(CredentialView::of).toList());
    }

    @WithSession
    public Uni<CredentialView> get(String accountId, String name) {
        return existing(accountId, name).map(CredentialView::of);
    }

    @WithTransaction
    public Uni<Void> delete(String accountId, String actor, String name) {
        return existing(accountId, name)
                .call(c -> AgentImage.usingCredential(accountId, name).invoke(users -> {
                    if (!users.isEmpty()) {
                        throw ProblemException.conflict(
                                ProblemType.CREDENTIAL_IN_USE,
                                "The agent images " + users
                                        + " pull with this credential; change or delete them first");
                    }
                }))
                .call(c -> c.delete())
                .call(c -> audit.record(
                        accountId, actor, "credential.deleted", "credential", name, Map.of("kind", c.kind)))
                .replaceWithVoid();
    }

    /**
     * The agent's credential named {@code name}, opened, as the session file it becomes
     * ({@code anthropic-api-key} or {@code claude-oauth-token} → its value); 422 when it does not
     * exist or is another kind.
     */
    public Uni<Map.Entry<String, String>> agentKey(String accountId, String name) {
        return Credential.named(accountId, name).map(c -> {
            if (c == null || CredentialKind.REGISTRY_BASIC.wire().equals(c.kind)) {
                throw new ProblemException(
                        ProblemType.CREDENTIAL_UNUSABLE,
                        "agentCredential: '" + name
                                + "' is not an anthropic-api-key or claude-oauth-token credential of this account");
            }
            return Map.entry(c.kind, opened(c));
        });
    }

    /** The registry login named {@code name}, opened; 422 when it does not exist or is another kind. */
    public Uni<RegistryCredential> registryLogin(String accountId, String name) {
        return Credential.named(accountId, name).map(c -> {
            if (c == null || !CredentialKind.REGISTRY_BASIC.wire().equals(c.kind)) {
                throw new ProblemException(
                        ProblemType.CREDENTIAL_UNUSABLE,
                        "credential: '" + name + "' is not a registry-basic credential of this account");
            }
            try {
                JsonNode login = json.readTree(opened(c));
                return new RegistryCredential(
                        login.path("username").asText(), login.path("password").asText());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("A stored registry credential is not readable");
            }
        });
    }

    private Uni<Credential> existing(String accountId, String name) {
        requireName(name);
        return Credential.named(accountId, name).map(c -> {
            if (c == null) {
                throw ProblemException.notFound("Credential " + name);
            }
            return c;
        });
    }

    static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ProblemException.badRequest(
                    "name", "must be 1-63 lower case letters, digits and dashes, starting with a letter or digit");
        }
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ProblemException.badRequest(field, "is required");
        }
        if (value.length() > MAX_SECRET) {
            throw ProblemException.badRequest(field, "is longer than " + MAX_SECRET + " characters");
        }
        return value;
    }

    private String write(Map<String, String> value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The credential's value. One that does not open in its row (sealed for another row or
     * account, and copied here) is refused as such, never shown.
     */
    private String opened(Credential c) {
        try {
            return sealer.open(c.sealedValue, PURPOSE, binding(c.accountId, c.name));
        } catch (dev.para.dispatch.crypto.SealingException e) {
            Log.warnf(
                    "Credential '%s' of account %s does not open in its row: %s", c.name, c.accountId, e.getMessage());
            throw new ProblemException(
                    ProblemType.CREDENTIAL_UNREADABLE,
                    "The stored credential '" + c.name
                            + "' does not open for this account (it was sealed for another row or account); store it again");
        }
    }

    /** Where a credential's sealed value lives: its name (unique in the account) and the account. */
    static Sealer.Binding binding(String accountId, String name) {
        return new Sealer.Binding(name, accountId);
    }
}
