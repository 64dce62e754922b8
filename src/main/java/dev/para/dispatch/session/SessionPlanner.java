package dev.para.dispatch.session;

import dev.para.dispatch.RuntimeConfig;
import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.ProblemType;
import dev.para.dispatch.github.GitHubClient;
import dev.para.dispatch.github.GitHubError;
import dev.para.dispatch.github.GitHubException;
import dev.para.dispatch.github.InstallationToken;
import dev.para.dispatch.github.InstallationTokenService;
import dev.para.dispatch.github.RepositoryName;
import dev.para.dispatch.github.TokenNarrowing;
import dev.para.dispatch.github.model.GitHubRepository;
import dev.para.dispatch.identity.PushPermissions;
import dev.para.dispatch.installation.GrantedRepository;
import dev.para.dispatch.installation.Installation;
import dev.para.dispatch.registry.AgentImage;
import dev.para.dispatch.session.SessionPlan.AgentImageChoice;
import dev.para.dispatch.session.SessionPlan.Trigger;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;

/**
 * Checks a request and completes it into a {@link SessionPlan}: the installation and repository
 * (asked of GitHub with a read token), the acting user's push permission, the image, the prompt
 * (inline or a file of the repository) and the defaults. Nothing is written here, so a bad request
 * changes nothing.
 *
 * <p>Over 300 lines: every check of a create, and GitHub's refusals in the words of the API, in
 * the order a create meets them.
 */
@ApplicationScoped
class SessionPlanner {

    private static final DateTimeFormatter SLUG_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RECOVER_TIME =
            DateTimeFormatter.ofPattern("HHmmss").withZone(ZoneOffset.UTC);

    private final SessionConfig config;
    private final GitHubClient github;
    private final InstallationTokenService tokens;
    private final PushPermissions pushPermissions;
    private final RuntimeConfig runtime;
    private final SessionBudgets budgets;
    private final Clock clock;

    SessionPlanner(
            SessionConfig config,
            GitHubClient github,
            InstallationTokenService tokens,
            PushPermissions pushPermissions,
            RuntimeConfig runtime,
            SessionBudgets budgets,
            Clock clock) {
        this.config = config;
        this.github = github;
        this.tokens = tokens;
        this.pushPermissions = pushPermissions;
        this.runtime = runtime;
        this.budgets = budgets;
        this.clock = clock;
    }

    /** The checks that need nothing but the request itself. */
    void validate(CreateSessionRequest r) {
        boolean inline = r.prompt() != null && !r.prompt().isBlank();
        if (inline == (r.promptFile() != null)) {
            throw ProblemException.badRequest("prompt", "give exactly one of prompt and promptFile");
        }
        if (inline) {
            checkPromptSize(r.prompt(), "prompt");
        }
        if (r.instances() != null && r.instances() > config.maxInstances()) {
            throw ProblemException.badRequest("instances", "must be at most " + config.maxInstances());
        }
        if (r.timeoutMinutes() != null && r.timeoutMinutes() > config.maxTimeoutMinutes()) {
            throw ProblemException.badRequest("timeoutMinutes", "must be at most " + config.maxTimeoutMinutes());
        }
        budgets.checkSession(r.instances() != null ? r.instances() : 1, budgets.perInstance(r));
    }

    /**
     * Completes the request with defaults and GitHub's answers; every check that needs no write.
     * The session acts for GitHub user {@code actingLogin}, who must be able to push when
     * {@code checkPush} (a commenter's permission was checked already).
     */
    Uni<SessionPlan> plan(
            String accountId,
            String actor,
            CreateSessionRequest r,
            String idempotencyKey,
            String hash,
            String actingLogin,
            boolean checkPush,
            Trigger trigger) {
        RepositoryName repository = RepositoryName.of(r.repository());
        String owner = repository.owner();
        String name = repository.name();
        Request request = new Request(accountId, actor, r, idempotencyKey, hash, actingLogin, trigger);
        if (runtime.dryRun()) {
            return agentImage(accountId, r.agentImage())
                    .flatMap(image -> installationFor(accountId, owner, r.repository())
                            .map(installation ->
                                    completed(request, installation, dryRunRepository(r), image, r.prompt())));
        }
        return agentImage(accountId, r.agentImage())
                .flatMap(image -> installationFor(accountId, owner, r.repository())
                        .flatMap(installation -> tokens.withToken(
                                        installation.installationId,
                                        TokenNarrowing.repository(name, TokenNarrowing.SERVICE_PERMISSIONS),
                                        token -> (checkPush
                                                        ? pushPermissions.require(token, owner, name, actingLogin)
                                                        : Uni.createFrom().voidItem())
                                                .flatMap(ignored -> github.getRepository(token, owner, name))
                                                .flatMap(repo -> promptOf(r, token, owner, name, sourceBranch(r, repo))
                                                        .map(prompt ->
                                                                completed(request, installation, repo, image, prompt))))
                                .onFailure(GitHubException.class)
                                .transform(e -> asProblem((GitHubException) e, r.repository()))));
    }

    /**
     * A new session that continues from an instance's pushed branch, onto
     * {@code para/recovered-<session>-<HHMMSS>}, with the same image, limits and trigger.
     */
    SessionPlan recovery(
            Session s, SessionInstance i, Installation installation, String actor, String prompt, String actingLogin) {
        if (!Boolean.TRUE.equals(i.pushed)) {
            throw ProblemException.conflict(
                    ProblemType.NOTHING_TO_RECOVER,
                    "Instance " + i.index + " pushed no branch, so there is nothing to continue from");
        }
        requireActive(installation);
        String continuation = prompt != null && !prompt.isBlank()
                ? prompt
                : "Continue the work on this branch. It was started for this task:\n\n" + s.prompt;
        checkPromptSize(continuation, "prompt");
        Instant now = clock.instant();
        return new SessionPlan(
                UUID.randomUUID(),
                s.accountId,
                actor,
                installation,
                s.repository,
                i.branch,
                s.prBase,
                "para/recovered-" + s.slug + "-" + RECOVER_TIME.format(now),
                slug("recovered-" + s.slug, now),
                continuation,
                null,
                1,
                new AgentImageChoice(s.agentImage, s.agentImageName),
                s.timeoutMinutes,
                s.maxTurns,
                s.model,
                s.budgetUsd,
                null,
                null,
                s.id,
                new Trigger(s.triggerIssue, null),
                actingLogin);
    }

    /** The plan's repository is one its GitHub user may push to (dry run asks GitHub nothing). */
    Uni<Void> mayPush(SessionPlan p, String login) {
        return mayPush(p.installation().installationId, p.repository(), login);
    }

    /** The GitHub user {@code login} may push to the repository (dry run asks GitHub nothing). */
    Uni<Void> mayPush(long installationId, String fullName, String login) {
        if (runtime.dryRun()) {
            return Uni.createFrom().voidItem();
        }
        RepositoryName repository = RepositoryName.of(fullName);
        return tokens.withToken(
                installationId,
                TokenNarrowing.repository(repository.name(), TokenNarrowing.SERVICE_PERMISSIONS),
                token -> pushPermissions.require(token, repository.owner(), repository.name(), login));
    }

    /** The installation may still act: not gone, not suspended. */
    static void requireActive(Installation installation) {
        if (installation == null || installation.deletedAt != null) {
            throw new ProblemException(ProblemType.NO_INSTALLATION, "The App's installation is gone");
        }
        if (installation.suspendedAt != null) {
            throw new ProblemException(
                    ProblemType.INSTALLATION_SUSPENDED,
                    "The App's installation on " + installation.githubAccountLogin + " is suspended");
        }
    }

    /** What the caller asked, and for whom: the parts of a plan that come from the request. */
    private record Request(
            String accountId,
            String actor,
            CreateSessionRequest body,
            String idempotencyKey,
            String hash,
            String actingLogin,
            Trigger trigger) {}

    private SessionPlan completed(
            Request request, Installation installation, GitHubRepository repo, AgentImageChoice image, String prompt) {
        CreateSessionRequest r = request.body();
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        String sourceBranch = sourceBranch(r, repo);
        String name = r.name() != null ? r.name() : "s" + id.toString().substring(0, 6);
        String slug = slug(name, now);
        return new SessionPlan(
                id,
                request.accountId(),
                request.actor(),
                installation,
                repo.fullName() != null ? repo.fullName() : r.repository(),
                sourceBranch,
                r.prBase() != null ? r.prBase() : sourceBranch,
                "para/" + slug,
                slug,
                prompt,
                r.promptFile(),
                r.instances() != null ? r.instances() : 1,
                image,
                r.timeoutMinutes() != null ? r.timeoutMinutes() : config.defaultTimeoutMinutes(),
                r.maxTurns() != null ? r.maxTurns() : config.defaultMaxTurns().orElse(null),
                r.model(),
                budgets.perInstance(r),
                request.idempotencyKey(),
                request.hash(),
                null,
                request.trigger(),
                request.actingLogin());
    }

    /**
     * In dry run nothing is asked of GitHub, not even a token to read with: the repository is taken
     * as named, on the requested branch or {@code main}; a prompt file, which only GitHub has, is refused.
     */
    private GitHubRepository dryRunRepository(CreateSessionRequest r) {
        if (r.promptFile() != null) {
            throw ProblemException.badRequest("promptFile", "cannot be read in dry run, which makes no call to GitHub");
        }
        Log.infof(
                "[dry-run] would read %s at GitHub; taken as named, on branch %s",
                r.repository(), r.sourceBranch() != null ? r.sourceBranch() : "main");
        return new GitHubRepository(0, RepositoryName.of(r.repository()).name(), r.repository(), false, "main");
    }

    /** The account's active installation on the owner, with the repository granted to it. */
    private Uni<Installation> installationFor(String accountId, String owner, String repository) {
        return Panache.withSession(() -> Installation.findForAccountAndOwner(accountId, owner)
                .flatMap(installation -> {
                    if (installation == null) {
                        throw new ProblemException(
                                ProblemType.NO_INSTALLATION,
                                "The App is not installed on " + owner + " for this account");
                    }
                    requireActive(installation);
                    return "selected".equals(installation.repositorySelection)
                            ? GrantedRepository.isGranted(installation.installationId, repository)
                                    .map(granted -> {
                                        if (!granted) {
                                            throw notAccessible(repository);
                                        }
                                        return installation;
                                    })
                            : Uni.createFrom().item(installation);
                }));
    }

    private Uni<String> promptOf(
            CreateSessionRequest r, InstallationToken token, String owner, String name, String ref) {
        if (r.promptFile() == null) {
            return Uni.createFrom().item(r.prompt());
        }
        return github.getFile(token, owner, name, r.promptFile(), ref)
                .map(file -> {
                    if (!"file".equals(file.type())) {
                        throw ProblemException.badRequest("promptFile", "is not a file");
                    }
                    String text = file.text();
                    checkPromptSize(text, "promptFile");
                    return text;
                })
                .onFailure(e -> e instanceof GitHubException g && g.error() == GitHubError.REPOSITORY_NOT_FOUND)
                .transform(e -> new ProblemException(
                        ProblemType.PROMPT_FILE_NOT_FOUND, r.promptFile() + " does not exist on branch " + ref));
    }

    private void checkPromptSize(String prompt, String field) {
        if (prompt.getBytes(StandardCharsets.UTF_8).length > config.maxPromptBytes()) {
            throw ProblemException.badRequest(field, "is longer than " + config.maxPromptBytes() + " bytes");
        }
    }

    /**
     * The image a request names: one of the account's agent images, else one of the configuration's.
     * Naming none: the account's default image, else the configuration's.
     */
    private Uni<AgentImageChoice> agentImage(String accountId, String name) {
        return Panache.withSession(
                        () -> name == null ? AgentImage.defaultFor(accountId) : AgentImage.named(accountId, name))
                .map(own -> {
                    if (own != null) {
                        return new AgentImageChoice(own.image, own.name);
                    }
                    if (name == null) {
                        return new AgentImageChoice(config.defaultAgentImage(), null);
                    }
                    String image = config.agentImages().get(name);
                    if (image == null) {
                        throw new ProblemException(
                                ProblemType.UNKNOWN_AGENT_IMAGE, "No agent image is named '" + name + "'");
                    }
                    return new AgentImageChoice(image, null);
                });
    }

    private static String sourceBranch(CreateSessionRequest r, GitHubRepository repo) {
        return r.sourceBranch() != null ? r.sourceBranch() : repo.defaultBranch();
    }

    private static String slug(String name, Instant at) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-") + "_" + SLUG_TIME.format(at);
    }

    private static ProblemException notAccessible(String repository) {
        return new ProblemException(
                ProblemType.REPOSITORY_NOT_ACCESSIBLE, "The App's installation cannot see " + repository);
    }

    private static ProblemException asProblem(GitHubException e, String repository) {
        return switch (e.error()) {
            case REPOSITORY_NOT_FOUND -> notAccessible(repository);
            case SUSPENDED ->
                new ProblemException(ProblemType.INSTALLATION_SUSPENDED, "The App's installation is suspended");
            case INSTALLATION_NOT_FOUND ->
                new ProblemException(ProblemType.NO_INSTALLATION, "The App's installation is gone");
            case RATE_LIMITED, UNAVAILABLE ->
                ProblemException.unavailable(
                        ProblemType.GITHUB_UNAVAILABLE,
                        "GitHub cannot be reached right now; try again shortly",
                        e.retryAfter().orElse(Duration.ofSeconds(30)));
            default ->
                new ProblemException(
                        ProblemType.GITHUB_REFUSED,
                        "GitHub refused to let the App read " + repository + " (" + e.error() + ")");
        };
    }
}
