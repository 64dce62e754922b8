package dev.para.dispatch.github;

import java.util.Optional;

/** A repository's {@code owner/name}, split once. */
public record RepositoryName(String owner, String name) {

    /** The parts of {@code owner/name}; the request validation has made sure there is one slash. */
    public static RepositoryName of(String fullName) {
        return parse(fullName).orElseThrow(() -> new IllegalArgumentException("not owner/name: " + fullName));
    }

    /** The parts of {@code owner/name}, or empty when it has no slash (a payload's field, say). */
    public static Optional<RepositoryName> parse(String fullName) {
        int slash = fullName == null ? -1 : fullName.indexOf('/');
        return slash < 0
                ? Optional.empty()
                : Optional.of(new RepositoryName(fullName.substring(0, slash), fullName.substring(slash + 1)));
    }

    @Override
    public String toString() {
        return owner + "/" + name;
    }
}
