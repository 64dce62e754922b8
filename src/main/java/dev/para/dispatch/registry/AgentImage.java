package dev.para.dispatch.registry;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/** A named agent image of an account, and how to pull it. */
@Entity
@Table(name = "agent_images")
public class AgentImage extends PanacheEntityBase {

    /** How the image is pulled. */
    public static final String PULL_NONE = "none";

    public static final String PULL_CREDENTIAL = "credential";
    /**
     * Pulled with an App installation token: refused since GitHub's Container registry does not
     * take them; kept so that rows registered before read, and fail at launch with the reason.
     */
    public static final String PULL_GITHUB_APP = "github-app";

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "agent_images_seq")
    @SequenceGenerator(name = "agent_images_seq", sequenceName = "agent_images_seq", allocationSize = 50)
    public Long id;

    @Column(name = "account_id", nullable = false)
    public String accountId;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String image;

    @Column(name = "pull_with", nullable = false)
    public String pullWith;

    @Column(name = "credential_name")
    public String credentialName;

    @Column(name = "is_default", nullable = false)
    public boolean isDefault;

    @Column(name = "cpu_request")
    public String cpuRequest;

    @Column(name = "memory_request")
    public String memoryRequest;

    @Column(name = "cpu_limit")
    public String cpuLimit;

    @Column(name = "memory_limit")
    public String memoryLimit;

    @Column(name = "agent_command")
    public String agentCommand;

    /** The credential the agent runs with (anthropic-api-key or claude-oauth-token), if the image has no login baked in. */
    @Column(name = "agent_credential_name")
    public String agentCredentialName;

    /** The manifest digest the registry answered at the last check. */
    public String digest;

    @Column(name = "checked_at")
    public Instant checkedAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static Uni<AgentImage> named(String accountId, String name) {
        return find("accountId = ?1 and name = ?2", accountId, name).firstResult();
    }

    public static Uni<AgentImage> defaultFor(String accountId) {
        return find("accountId = ?1 and isDefault = true", accountId).firstResult();
    }

    /** One page of the account's agent images, by name, after the given name. */
    public static Uni<List<AgentImage>> pageForAccount(String accountId, String afterName, int limit) {
        return find("accountId = ?1 and name > ?2", Sort.by("name"), accountId, afterName)
                .page(0, limit)
                .list();
    }

    /** The names of the account's images that pull or run with the credential. */
    public static Uni<List<String>> usingCredential(String accountId, String credentialName) {
        return find("accountId = ?1 and (credentialName = ?2 or agentCredentialName = ?2)", accountId, credentialName)
                .<AgentImage>list()
                .map(images -> images.stream().map(i -> i.name).toList());
    }

    /** No other image of the account is its default any more. */
    public static Uni<Integer> clearDefault(String accountId, String except) {
        return update("isDefault = false where accountId = ?1 and name <> ?2 and isDefault = true", accountId, except);
    }
}
