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

/** A sealed secret of an account: a registry login, an Anthropic API key or a Claude Code OAuth token. */
@Entity
@Table(name = "credentials")
public class Credential extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "credentials_seq")
    @SequenceGenerator(name = "credentials_seq", sequenceName = "credentials_seq", allocationSize = 50)
    public Long id;

    @Column(name = "account_id", nullable = false)
    public String accountId;

    @Column(nullable = false)
    public String name;

    /** {@link CredentialKind#wire()}. */
    @Column(nullable = false)
    public String kind;

    @Column(name = "sealed_value", nullable = false)
    public String sealedValue;

    @Column(name = "key_id", nullable = false)
    public String keyId;

    @Column(nullable = false)
    public String fingerprint;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static Uni<Credential> named(String accountId, String name) {
        return find("accountId = ?1 and name = ?2", accountId, name).firstResult();
    }

    /** One page of the account's credentials, by name, after the given name. */
    public static Uni<List<Credential>> pageForAccount(String accountId, String afterName, int limit) {
        return find("accountId = ?1 and name > ?2", Sort.by("name"), accountId, afterName)
                .page(0, limit)
                .list();
    }
}
