package dev.para.dispatch.installation;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** An installation of the GitHub App, kept current by webhooks; linked to an account by the setup flow. */
@Entity
@Table(name = "github_installations")
public class Installation extends PanacheEntityBase {

    @Id
    @Column(name = "installation_id")
    public Long installationId;

    /** Our account that owns it; null until linked. */
    @Column(name = "account_id")
    public String accountId;

    @Column(name = "github_account_id", nullable = false)
    public Long githubAccountId;

    @Column(name = "github_account_login", nullable = false)
    public String githubAccountLogin;

    /** User or Organization. */
    @Column(name = "github_account_type", nullable = false)
    public String githubAccountType;

    /** all or selected. */
    @Column(name = "repository_selection", nullable = false)
    public String repositorySelection;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, String> permissions;

    /** Events the installation subscribes to (a text[]: Hibernate Reactive maps JSON arrays poorly). */
    @Column(nullable = false)
    public String[] events;

    /** The GitHub user who installed it (installation.created's sender), when GitHub said. */
    @Column(name = "installer_github_id")
    public Long installerGithubId;

    @Column(name = "app_slug")
    public String appSlug;

    @Column(name = "suspended_at")
    public Instant suspendedAt;

    @Column(name = "deleted_at")
    public Instant deletedAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public boolean active() {
        return suspendedAt == null && deletedAt == null;
    }

    /** One page of an account's installations (not deleted), after the given id. */
    public static Uni<List<Installation>> pageForAccount(String accountId, long afterId, int limit) {
        return find(
                        "accountId = ?1 and deletedAt is null and installationId > ?2",
                        Sort.by("installationId"),
                        accountId,
                        afterId)
                .page(0, limit)
                .list();
    }

    /** The installation if it belongs to the account and is not deleted. */
    public static Uni<Installation> findForAccount(String accountId, long installationId) {
        return find("installationId = ?1 and accountId = ?2 and deletedAt is null", installationId, accountId)
                .firstResult();
    }

    /** The account's installation on the GitHub account {@code login} (case-insensitive), if any. */
    public static Uni<Installation> findForAccountAndOwner(String accountId, String login) {
        return find(
                        "accountId = ?1 and lower(githubAccountLogin) = ?2 and deletedAt is null",
                        accountId,
                        login.toLowerCase(java.util.Locale.ROOT))
                .firstResult();
    }
}
