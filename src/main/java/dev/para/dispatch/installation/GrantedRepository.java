package dev.para.dispatch.installation;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** A repository an installation was granted (when its selection is {@code selected}). */
@Entity
@Table(name = "installation_repositories")
@IdClass(GrantedRepository.Key.class)
public class GrantedRepository extends PanacheEntityBase {

    /** The composite primary key. */
    public static class Key implements Serializable {
        public Long installationId;
        public Long repositoryId;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k
                    && Objects.equals(installationId, k.installationId)
                    && Objects.equals(repositoryId, k.repositoryId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(installationId, repositoryId);
        }
    }

    @Id
    @Column(name = "installation_id")
    public Long installationId;

    @Id
    @Column(name = "repository_id")
    public Long repositoryId;

    @Column(name = "full_name", nullable = false)
    public String fullName;

    @Column(name = "private", nullable = false)
    public boolean isPrivate;

    public static Uni<List<GrantedRepository>> forInstallation(long installationId) {
        return list("installationId", Sort.by("fullName"), installationId);
    }

    public static Uni<Long> deleteForInstallation(long installationId) {
        return delete("installationId", installationId);
    }

    public static Uni<Long> deleteSome(long installationId, Collection<Long> repositoryIds) {
        return repositoryIds.isEmpty()
                ? Uni.createFrom().item(0L)
                : delete("installationId = ?1 and repositoryId in ?2", installationId, repositoryIds);
    }

    /** Stores the grants; none is nothing to do (Panache refuses an empty list). */
    public static Uni<Void> persistAll(List<GrantedRepository> grants) {
        return grants.isEmpty() ? Uni.createFrom().voidItem() : persist(grants);
    }

    /** Whether the installation was granted the repository {@code owner/name} (case-insensitive). */
    public static Uni<Boolean> isGranted(long installationId, String fullName) {
        return count(
                        "installationId = ?1 and lower(fullName) = ?2",
                        installationId,
                        fullName.toLowerCase(java.util.Locale.ROOT))
                .map(n -> n > 0);
    }
}
