package dev.para.dispatch.installation;

import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.ProblemType;
import dev.para.dispatch.audit.AuditLog;
import dev.para.dispatch.github.model.GitHubInstallation;
import dev.para.dispatch.github.model.GitHubRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The rules of installations: GitHub's view of them kept current (webhooks), their ownership by
 * an account (setup flow), and the account-scoped reads of the API. Every write is idempotent,
 * because a delivery may be processed again after a crash.
 */
@ApplicationScoped
public class InstallationService {

    static final String OBJECT_TYPE = "installation";

    private final Clock clock;
    private final AuditLog audit;

    InstallationService(Clock clock, AuditLog audit) {
        this.clock = clock;
        this.audit = audit;
    }

    /**
     * Creates or refreshes the installation; replaces its granted repositories when they are given.
     * {@code installer}: the GitHub user who installed it, when the event says (kept otherwise).
     */
    @WithTransaction
    public Uni<Installation> upsert(
            GitHubInstallation gh, List<GitHubRepository> repositories, String action, Long installer) {
        return refreshed(gh).flatMap(i -> {
            i.deletedAt = null;
            if (installer != null) {
                i.installerGithubId = installer;
            }
            Uni<Void> grants = repositories == null ? Uni.createFrom().voidItem() : replaceGrants(i, repositories);
            return i.<Installation>persist()
                    .call(() -> grants)
                    .call(() -> audit.record(
                            i.accountId,
                            AuditLog.GITHUB,
                            action,
                            OBJECT_TYPE,
                            String.valueOf(i.installationId),
                            Map.of("githubAccount", i.githubAccountLogin)));
        });
    }

    @WithTransaction
    public Uni<Boolean> markDeleted(long installationId) {
        return change(installationId, "installation.deleted", i -> i.deletedAt = clock.instant());
    }

    @WithTransaction
    public Uni<Boolean> suspend(long installationId, Instant suspendedAt) {
        return change(
                installationId,
                "installation.suspend",
                i -> i.suspendedAt = suspendedAt != null ? suspendedAt : clock.instant());
    }

    @WithTransaction
    public Uni<Boolean> unsuspend(long installationId) {
        return change(installationId, "installation.unsuspend", i -> i.suspendedAt = null);
    }

    /** Applies {@code installation_repositories} added/removed, creating the installation if unknown. */
    @WithTransaction
    public Uni<Void> changeGrants(
            GitHubInstallation gh, String selection, List<GitHubRepository> added, List<GitHubRepository> removed) {
        return refreshed(gh).flatMap(i -> {
            if (selection != null) {
                i.repositorySelection = selection;
            }
            List<Long> changed = java.util.stream.Stream.concat(added.stream(), removed.stream())
                    .map(GitHubRepository::id)
                    .toList();
            return i.persist()
                    .call(() -> GrantedRepository.deleteSome(i.installationId, changed))
                    .call(() -> GrantedRepository.persistAll(
                            added.stream().map(r -> grant(i, r)).toList()))
                    .call(() -> audit.record(
                            i.accountId,
                            AuditLog.GITHUB,
                            "installation_repositories.changed",
                            OBJECT_TYPE,
                            String.valueOf(i.installationId),
                            Map.of(
                                    "added",
                                    added.stream()
                                            .map(GitHubRepository::fullName)
                                            .toList(),
                                    "removed",
                                    removed.stream()
                                            .map(GitHubRepository::fullName)
                                            .toList())))
                    .replaceWithVoid();
        });
    }

    /**
     * Links an installation to the account. The caller has already proven, through GitHub, that the
     * user can access the installation; {@code gh} is GitHub's description from that proof.
     */
    @WithTransaction
    public Uni<InstallationView> link(String accountId, String actor, String githubLogin, GitHubInstallation gh) {
        return refreshed(gh).flatMap(i -> {
            if (i.accountId != null && !i.accountId.equals(accountId)) {
                throw ProblemException.conflict(
                        ProblemType.INSTALLATION_LINKED, "This installation is already linked to another account");
            }
            i.accountId = accountId;
            i.deletedAt = null;
            return i.<Installation>persist()
                    .call(() -> audit.record(
                            accountId,
                            actor,
                            "installation.linked",
                            OBJECT_TYPE,
                            String.valueOf(i.installationId),
                            Map.of("githubAccount", i.githubAccountLogin, "githubLogin", githubLogin)))
                    .flatMap(saved -> GrantedRepository.forInstallation(saved.installationId)
                            .map(grants -> InstallationView.of(saved, grants)));
        });
    }

    /**
     * Unlinks the account's installation: its sessions stop being the account's to start; the
     * installation stays known, ready to be linked again. Another account's answers 404.
     */
    @WithTransaction
    public Uni<Void> unlink(String accountId, String actor, String githubLogin, long installationId) {
        return Installation.findForAccount(accountId, installationId)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("Installation " + installationId))
                .flatMap(i -> {
                    i.accountId = null;
                    i.updatedAt = clock.instant();
                    Map<String, Object> details =
                            new java.util.HashMap<>(Map.of("githubAccount", i.githubAccountLogin));
                    if (githubLogin != null) {
                        details.put("githubLogin", githubLogin); // the caller's linked GitHub identity
                    }
                    return audit.record(
                            accountId,
                            actor,
                            "installation.unlinked",
                            OBJECT_TYPE,
                            String.valueOf(installationId),
                            details);
                });
    }

    /** Who installed it, as far as GitHub told us. */
    @WithSession
    public Uni<java.util.Optional<Long>> installer(long installationId) {
        return Installation.<Installation>findById(installationId)
                .map(i -> java.util.Optional.ofNullable(i == null ? null : i.installerGithubId));
    }

    @WithSession
    public Uni<List<InstallationView>> page(String accountId, long afterId, int limit) {
        return Installation.pageForAccount(accountId, afterId, limit)
                .map(list ->
                        list.stream().map(i -> InstallationView.of(i, null)).toList());
    }

    /** The account's installation with its repositories; another account's answers 404. */
    @WithSession
    public Uni<InstallationView> get(String accountId, long installationId) {
        return Installation.findForAccount(accountId, installationId)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("Installation " + installationId))
                .flatMap(i -> GrantedRepository.forInstallation(i.installationId)
                        .map(grants -> InstallationView.of(i, grants)));
    }

    /** Our row for the installation, refreshed from GitHub's description, or a new one; not yet persisted. */
    private Uni<Installation> refreshed(GitHubInstallation gh) {
        return Installation.<Installation>findById(gh.id()).map(existing -> {
            Instant now = clock.instant();
            Installation i = existing != null ? existing : new Installation();
            if (existing == null) {
                i.installationId = gh.id();
                i.createdAt = now;
            }
            copy(gh, i);
            i.updatedAt = now;
            return i;
        });
    }

    private Uni<Boolean> change(long installationId, String action, java.util.function.Consumer<Installation> change) {
        return Installation.<Installation>findById(installationId).flatMap(i -> {
            if (i == null) {
                return Uni.createFrom().item(false);
            }
            change.accept(i);
            i.updatedAt = clock.instant();
            return audit.record(
                            i.accountId, AuditLog.GITHUB, action, OBJECT_TYPE, String.valueOf(installationId), Map.of())
                    .replaceWith(true);
        });
    }

    private Uni<Void> replaceGrants(Installation i, List<GitHubRepository> repositories) {
        return GrantedRepository.deleteForInstallation(i.installationId)
                .call(() -> GrantedRepository.persistAll(
                        repositories.stream().map(r -> grant(i, r)).toList()))
                .replaceWithVoid();
    }

    private static GrantedRepository grant(Installation i, GitHubRepository r) {
        GrantedRepository g = new GrantedRepository();
        g.installationId = i.installationId;
        g.repositoryId = r.id();
        g.fullName = r.fullName();
        g.isPrivate = r.isPrivate();
        return g;
    }

    private static void copy(GitHubInstallation gh, Installation i) {
        if (gh.account() != null) {
            i.githubAccountId = gh.account().id();
            i.githubAccountLogin = gh.account().login();
            i.githubAccountType = gh.account().type() != null ? gh.account().type() : gh.targetType();
        }
        if (gh.repositorySelection() != null) {
            i.repositorySelection = gh.repositorySelection();
        }
        i.permissions = gh.permissions() != null ? gh.permissions() : Map.of();
        i.events = gh.events() != null ? gh.events().toArray(String[]::new) : new String[0];
        i.appSlug = gh.appSlug() == null || gh.appSlug().isEmpty() ? i.appSlug : gh.appSlug();
        i.suspendedAt = gh.suspendedAt();
    }
}
