package dev.para.dispatch.installation;

import dev.para.dispatch.github.model.GitHubAccount;
import dev.para.dispatch.github.model.GitHubInstallation;
import dev.para.dispatch.github.model.GitHubRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A burst of installation events folded into one change per installation, each installation's
 * events taken in the order they came, to the state {@link InstallationService} reaches by
 * applying them one at a time. Pure; {@link InstallationChangeWriter} writes the result with a
 * few set-based statements.
 */
final class InstallationChanges {

    /** Where one installation ends up. Fields that GitHub may leave out keep our stored value when null. */
    static final class Change {
        final long installationId;
        /** The last account GitHub named, null to keep ours. */
        GitHubAccount account;

        String accountType;
        /** The last repository selection GitHub named, null to keep ours. */
        String selection;

        Map<String, String> permissions = Map.of();
        List<String> events = List.of();
        /** The last non-empty slug, null to keep ours. */
        String appSlug;

        Instant suspendedAt;
        /** Who installed it, null to keep ours. */
        Long installer;
        /** An installation event undoes an earlier deletion. */
        boolean undelete;
        /** The granted repositories are replaced by {@link #granted}, not just changed. */
        boolean replaceGrants;
        /** Granted repositories to write, by id. */
        final Map<Long, GitHubRepository> granted = new LinkedHashMap<>();
        /** Repository ids whose grant is revoked (unless granted again later). */
        final Set<Long> revoked = new LinkedHashSet<>();

        Change(long installationId) {
            this.installationId = installationId;
        }

        private void describe(GitHubInstallation gh) {
            if (gh.account() != null) {
                account = gh.account();
                accountType = gh.account().type() != null ? gh.account().type() : gh.targetType();
            }
            if (gh.repositorySelection() != null) {
                selection = gh.repositorySelection();
            }
            permissions = gh.permissions() != null ? gh.permissions() : Map.of();
            events = gh.events() != null ? gh.events() : List.of();
            if (gh.appSlug() != null && !gh.appSlug().isEmpty()) {
                appSlug = gh.appSlug();
            }
            suspendedAt = gh.suspendedAt();
        }
    }

    /**
     * One audit event; {@code details} null for "the account login stored for the installation"
     * (GitHub named no account, so the login is the one we keep).
     */
    record Audit(long installationId, String action, Map<String, Object> details) {}

    private final Map<Long, Change> changes = new TreeMap<>();
    private final List<Audit> audits = new ArrayList<>();

    /**
     * {@code installation.created} or {@code new_permissions_accepted}; null repositories leave the
     * grants alone, a null installer the one we know.
     */
    void described(GitHubInstallation gh, List<GitHubRepository> repositories, String action, Long installer) {
        Change change = changeOf(gh);
        change.undelete = true;
        if (installer != null) {
            change.installer = installer;
        }
        if (repositories != null) {
            change.replaceGrants = true;
            change.granted.clear();
            change.revoked.clear();
            repositories.forEach(r -> change.granted.put(r.id(), r));
        }
        audits.add(new Audit(
                gh.id(), action, change.account == null ? null : Map.of("githubAccount", change.account.login())));
    }

    /** {@code installation_repositories.added} or {@code .removed}. */
    void grantsChanged(
            GitHubInstallation gh, String selection, List<GitHubRepository> added, List<GitHubRepository> removed) {
        Change change = changeOf(gh);
        if (selection != null) {
            change.selection = selection;
        }
        for (GitHubRepository r : removed) {
            change.granted.remove(r.id());
            change.revoked.add(r.id());
        }
        added.forEach(r -> change.granted.put(r.id(), r));
        audits.add(new Audit(
                gh.id(),
                "installation_repositories.changed",
                Map.of(
                        "added",
                        added.stream().map(GitHubRepository::fullName).toList(),
                        "removed",
                        removed.stream().map(GitHubRepository::fullName).toList())));
    }

    /** The changes, by installation id (the order every writer locks their rows in). */
    Collection<Change> changes() {
        return changes.values();
    }

    /** The audit events, in the order the deliveries came. */
    List<Audit> audits() {
        return audits;
    }

    private Change changeOf(GitHubInstallation gh) {
        Change change = changes.computeIfAbsent(gh.id(), Change::new);
        change.describe(gh);
        return change;
    }
}
