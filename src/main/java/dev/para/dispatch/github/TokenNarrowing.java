package dev.para.dispatch.github;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What an installation token may touch: repository names (of the installation's account) and
 * permissions. Two narrowings with the same content are equal whatever the order they were given
 * in, so they share one cached token. Immutable; its canonical key is computed once.
 */
public final class TokenNarrowing {

    /** What a session's agent needs to clone and push: contents write, metadata read. */
    public static final Map<String, String> SESSION_PERMISSIONS = Map.of("contents", "write", "metadata", "read");

    /**
     * What the service itself does in a session's repository: read it, open pull requests and
     * answer on issues. Pods never get these.
     */
    /**
     * Picking among a session's pull requests: mark one ready, close the others and delete their
     * branches (the one call of the service that writes contents).
     */
    public static final Map<String, String> PICK_PERMISSIONS =
            Map.of("metadata", "read", "contents", "write", "pull_requests", "write", "issues", "write");

    public static final Map<String, String> SERVICE_PERMISSIONS =
            Map.of("metadata", "read", "contents", "read", "pull_requests", "write", "issues", "write");

    private final List<String> repositories;
    private final Map<String, String> permissions;
    private final String key;

    private TokenNarrowing(List<String> repositories, Map<String, String> permissions) {
        this.repositories = repositories.stream()
                .map(Objects::requireNonNull)
                .sorted()
                .distinct()
                .toList();
        this.permissions = Map.copyOf(permissions);
        this.key = "repos=" + String.join(",", this.repositories) + ";perms="
                + new TreeMap<>(permissions)
                        .entrySet().stream()
                                .map(e -> e.getKey() + ":" + e.getValue())
                                .collect(Collectors.joining(","));
    }

    public static TokenNarrowing of(List<String> repositories, Map<String, String> permissions) {
        return new TokenNarrowing(repositories, permissions);
    }

    /** One repository (its name, without the owner) with the given permissions. */
    public static TokenNarrowing repository(String name, Map<String, String> permissions) {
        return new TokenNarrowing(List.of(name), permissions);
    }

    /** Everything the installation was granted: no narrowing at all. */
    public static TokenNarrowing none() {
        return new TokenNarrowing(List.of(), Map.of());
    }

    public List<String> repositories() {
        return repositories;
    }

    public Map<String, String> permissions() {
        return permissions;
    }

    /** The canonical form, stored with the token. */
    public String key() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenNarrowing other && key.equals(other.key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return key;
    }
}
