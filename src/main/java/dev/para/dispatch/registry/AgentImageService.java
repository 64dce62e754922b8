package dev.para.dispatch.registry;

import dev.para.dispatch.api.Problem;
import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.ProblemType;
import dev.para.dispatch.audit.AuditLog;
import dev.para.dispatch.kubernetes.AgentSettings;
import dev.para.dispatch.kubernetes.KubernetesConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An account's named agent images. Registering one checks it at its registry with the credential
 * it names, so a wrong name or a missing pull credential is refused at once with the registry's
 * reason, not found minutes later as a pod in ImagePullBackOff.
 */
@ApplicationScoped
public class AgentImageService {

    /**
     * Why {@code github-app} pulls nothing: GitHub documents that its Container registry (ghcr.io)
     * authenticates with a personal access token (classic) with {@code read:packages}, and with
     * GitHub Actions' own GITHUB_TOKEN; GitHub App installation tokens are not accepted.
     */
    static final String GITHUB_APP_PULLS = "GitHub's Container registry (ghcr.io) does not accept GitHub App"
            + " installation tokens; store a personal access token (classic) with read:packages as a registry-basic"
            + " credential (username: its owner's login) and name that credential, or make the image public";

    private static final Pattern QUANTITY = Pattern.compile("[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?");
    private static final Pattern COMMAND = Pattern.compile("[A-Za-z0-9_./-]{1,255}");

    /** An image stored, and whether it was new. */
    public record Stored(AgentImageView view, boolean created) {}

    private final ImageChecker checker;
    private final ImageCheckLimiter limiter;
    private final RegistryConfig config;
    private final CredentialService credentials;
    private final KubernetesConfig kubernetes;
    private final AuditLog audit;
    private final Clock clock;

    AgentImageService(
            ImageChecker checker,
            ImageCheckLimiter limiter,
            RegistryConfig config,
            CredentialService credentials,
            KubernetesConfig kubernetes,
            AuditLog audit,
            Clock clock) {
        this.limiter = limiter;
        this.kubernetes = kubernetes;
        this.checker = checker;
        this.config = config;
        this.credentials = credentials;
        this.audit = audit;
        this.clock = clock;
    }

    /** Checks the image at its registry, then stores it; 422 with the registry's reason if it cannot be pulled. */
    public Uni<Stored> put(String accountId, String actor, String name, AgentImageRequest request) {
        CredentialService.requireName(name);
        if (request == null) {
            throw ProblemException.badRequest("body", "is required");
        }
        ImageReference image = parseImage(request.image());
        validateResources(request.resources());
        if (request.resources() != null) {
            AgentImageRequest.Resources r = request.resources();
            new AgentSettings(null, r.cpuRequest(), r.memoryRequest(), r.cpuLimit(), r.memoryLimit())
                    .beyond(kubernetes.pod())
                    .forEach((field, ceiling) -> {
                        throw ProblemException.badRequest(
                                "resources." + field,
                                "must be at most " + ceiling + " (para.kubernetes.pod.max-"
                                        + (field.startsWith("cpu") ? "cpu" : "memory") + ")");
                    });
        }
        if (request.agentCommand() != null
                && !COMMAND.matcher(request.agentCommand()).matches()) {
            throw ProblemException.badRequest(
                    "agentCommand", "must be a command name or path, without spaces or arguments");
        }
        String credential =
                request.credential() == null || request.credential().isBlank() ? null : request.credential();
        limiter.take(accountId); // a valid request is about to make us call a host the caller named
        Uni<Void> agentKey = request.agentCredential() == null
                ? Uni.createFrom().voidItem()
                : Panache.withSession(() -> credentials.agentKey(accountId, request.agentCredential()))
                        .replaceWithVoid();
        return agentKey.flatMap(ignored -> pullCredential(accountId, image, credential))
                .flatMap(login -> checker.check(image, login))
                .onFailure(RegistryException.class)
                .transform(e -> notPullable(image, (RegistryException) e))
                .flatMap(check -> Panache.withTransaction(
                        () -> store(accountId, actor, name, request, image, credential, check)));
    }

    @WithSession
    public Uni<List<AgentImageView>> page(String accountId, String afterName, int limit) {
        return AgentImage.pageForAccount(accountId, afterName, limit)
                .map(all -> all.stream().map(AgentImageView::of).toList());
    }

    @WithSession
    public Uni<AgentImageView> get(String accountId, String name) {
        return existing(accountId, name).map(AgentImageView::of);
    }

    @WithTransaction
    public Uni<Void> delete(String accountId, String actor, String name) {
        return existing(accountId, name)
                .call(i -> i.delete())
                .call(i -> audit.record(
                        accountId, actor, "agent-image.deleted", "agent-image", name, Map.of("image", i.image)))
                .replaceWithVoid();
    }

    /**
     * Before a session's Job is made: checks its image (cached) and gives the login its pods pull
     * with. {@code imageName} names the account's agent image the session runs (null for the
     * configuration's images, which are checked anonymously and pulled with the cluster-wide pull
     * secrets). {@code pulledByCluster} is false where
     * nothing pulls the image (the local runtime, a dry run): then only the agent's files are given.
     */
    public Uni<LaunchImage> forLaunch(String accountId, String imageName, String image, boolean pulledByCluster) {
        Uni<AgentImage> named = imageName == null
                ? Uni.createFrom().nullItem()
                : Panache.withSession(() -> AgentImage.named(accountId, imageName));
        return named.flatMap(registered -> (pulledByCluster
                        ? pullLogin(accountId, registered, image)
                        : Uni.createFrom().item(Optional.<PullLogin>empty()))
                .flatMap(pull -> agentFiles(accountId, registered)
                        .map(files -> new LaunchImage(pull, files, agentSettings(registered)))));
    }

    /** The image's own agent command and resources; the service's defaults for an image of the configuration. */
    static AgentSettings agentSettings(AgentImage registered) {
        return registered == null
                ? AgentSettings.DEFAULTS
                : new AgentSettings(
                        registered.agentCommand,
                        registered.cpuRequest,
                        registered.memoryRequest,
                        registered.cpuLimit,
                        registered.memoryLimit);
    }

    /** Checks the image (cached) with its login, and gives the login the pods pull with. */
    private Uni<Optional<PullLogin>> pullLogin(String accountId, AgentImage registered, String image) {
        if (registered == null && !config.checkAtLaunch()) {
            return Uni.createFrom().item(Optional.empty());
        }
        ImageReference reference;
        try {
            reference = ImageReference.parse(image);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom()
                    .failure(new RegistryException(
                            RegistryError.INVALID_REFERENCE, "'" + image + "' " + e.getMessage(), null));
        }
        if (registered != null && AgentImage.PULL_GITHUB_APP.equals(registered.pullWith)) {
            // registered before github-app pulls were refused: it cannot be pulled as registered
            return Uni.createFrom()
                    .failure(new RegistryException(RegistryError.AUTHENTICATION, GITHUB_APP_PULLS, null));
        }
        // An image deleted since the session was made is pulled as it was recorded, without a login.
        String credential = registered == null ? null : registered.credentialName;
        return pullCredential(accountId, reference, credential)
                .call(login -> config.checkAtLaunch()
                        ? checker.check(reference, login)
                        : Uni.createFrom().voidItem())
                .map(login -> login.map(c -> new PullLogin(reference.authKey(), c)));
    }

    /** The agent's credential as the session file the entrypoint reads, when the image names one. */
    private Uni<Map<String, String>> agentFiles(String accountId, AgentImage registered) {
        if (registered == null || registered.agentCredentialName == null) {
            return Uni.createFrom().item(Map.of());
        }
        return Panache.withSession(() -> credentials.agentKey(accountId, registered.agentCredentialName))
                .map(key -> Map.of(key.getKey(), key.getValue()));
    }

    /** The login to pull {@code image} with: none, or a registry credential of the account. */
    public Uni<Optional<RegistryCredential>> pullCredential(String accountId, ImageReference image, String credential) {
        if (credential == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        if (AgentImage.PULL_GITHUB_APP.equals(credential)) {
            throw new ProblemException(
                    ProblemType.CREDENTIAL_UNUSABLE,
                    "credential: " + GITHUB_APP_PULLS,
                    List.of(new Problem.FieldError("credential", GITHUB_APP_PULLS)),
                    null);
        }
        return Panache.withSession(() -> credentials.registryLogin(accountId, credential))
                .map(Optional::of);
    }

    private Uni<Stored> store(
            String accountId,
            String actor,
            String name,
            AgentImageRequest request,
            ImageReference image,
            String credential,
            ImageCheck check) {
        boolean makeDefault = Boolean.TRUE.equals(request.isDefault());
        return AgentImage.named(accountId, name).flatMap(existing -> {
            AgentImage i = existing != null ? existing : new AgentImage();
            boolean created = existing == null;
            if (created) {
                i.accountId = accountId;
                i.name = name;
                i.createdAt = clock.instant();
            }
            i.image = image.toString();
            i.pullWith = credential == null ? AgentImage.PULL_NONE : AgentImage.PULL_CREDENTIAL;
            i.credentialName = credential;
            i.isDefault = makeDefault || (!created && request.isDefault() == null && i.isDefault);
            AgentImageRequest.Resources r = request.resources();
            i.cpuRequest = r == null ? null : r.cpuRequest();
            i.memoryRequest = r == null ? null : r.memoryRequest();
            i.cpuLimit = r == null ? null : r.cpuLimit();
            i.memoryLimit = r == null ? null : r.memoryLimit();
            i.agentCommand = request.agentCommand();
            i.agentCredentialName = request.agentCredential();
            i.digest = check.digest();
            i.checkedAt = clock.instant();
            i.updatedAt = clock.instant();
            Uni<Integer> others = i.isDefault
                    ? AgentImage.clearDefault(accountId, name).call(Panache::flush)
                    : Uni.createFrom().item(0);
            return others.flatMap(ignored -> i.<AgentImage>persist())
                    .call(saved -> audit.record(
                            accountId,
                            actor,
                            created ? "agent-image.created" : "agent-image.replaced",
                            "agent-image",
                            name,
                            Map.of("image", saved.image, "digest", String.valueOf(saved.digest))))
                    .map(saved -> new Stored(AgentImageView.of(saved), created));
        });
    }

    private Uni<AgentImage> existing(String accountId, String name) {
        CredentialService.requireName(name);
        return AgentImage.named(accountId, name).map(i -> {
            if (i == null) {
                throw ProblemException.notFound("Agent image " + name);
            }
            return i;
        });
    }

    static ImageReference parseImage(String text) {
        try {
            return ImageReference.parse(text);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("image", e.getMessage());
        }
    }

    private static void validateResources(AgentImageRequest.Resources resources) {
        if (resources == null) {
            return;
        }
        Map<String, String> given = new java.util.LinkedHashMap<>();
        given.put("resources.cpuRequest", resources.cpuRequest());
        given.put("resources.memoryRequest", resources.memoryRequest());
        given.put("resources.cpuLimit", resources.cpuLimit());
        given.put("resources.memoryLimit", resources.memoryLimit());
        given.forEach((field, value) -> {
            if (value != null && !QUANTITY.matcher(value).matches()) {
                throw ProblemException.badRequest(field, "must be a Kubernetes quantity such as 500m, 2 or 4Gi");
            }
        });
    }

    /** The registry's refusal as a 422: its own reason, the kind of failure, and when to retry if it may pass later. */
    static ProblemException notPullable(ImageReference image, RegistryException e) {
        String reason = e.error().name().toLowerCase(Locale.ROOT).replace('_', '-');
        return new ProblemException(
                ProblemType.IMAGE_NOT_PULLABLE,
                "image: " + image + " cannot be pulled: " + e.getMessage(),
                List.of(new Problem.FieldError("image", reason + ": " + e.getMessage())),
                e.retryAfter().orElse(null));
    }
}
