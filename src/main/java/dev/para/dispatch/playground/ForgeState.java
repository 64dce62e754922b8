package dev.para.dispatch.playground;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.para.dispatch.Hashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the forge holds besides its git repositories: the pull requests and comments the service
 * made there, numbered per repository as GitHub numbers issues and pull requests (one sequence).
 * Kept in a JSON file beside the repositories, so that a restart of dev mode keeps them; every
 * method is synchronized (the forge serves requests on several threads).
 */
final class ForgeState {

    /** A pull request as the forge keeps it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Pull {
        public long id;
        public int number;
        public String repository;
        public String title;
        public String body;
        public String head;
        public String base;
        public String headSha;
        public boolean draft;
        public String state = "open";
        public Instant createdAt;
        public Instant updatedAt;
    }

    /** A comment on an issue or pull request. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Comment {
        public long id;
        public String repository;
        public int issue;
        public String body;
        public String user;
        public Instant createdAt;
        public Instant updatedAt;
    }

    /** An installation token the forge minted, kept by its hash (the token itself is never written). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class MintedToken {
        public Instant expiresAt;
        public Set<String> repositories = Set.of();
        public Map<String, String> permissions = Map.of();

        boolean reaches(String repository) {
            return repositories.isEmpty() || repositories.contains(repository);
        }

        boolean may(String permission, String level) {
            String granted = permissions.get(permission);
            return granted != null && ("write".equals(granted) || level.equals(granted));
        }
    }

    /** The file's shape. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Saved {
        public List<Pull> pulls = new ArrayList<>();
        public List<Comment> comments = new ArrayList<>();
        /** The last issue or pull request number given; issue 1 is the seeded one. */
        public int lastNumber = 1;

        public long lastId = 1000;

        /** Token hash (SHA-256, hex) to what it may do, until it expires or is revoked. */
        public Map<String, MintedToken> tokens = new HashMap<>();
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Path file;
    private final Saved saved;

    ForgeState(Path file) {
        this.file = file;
        try {
            this.saved = Files.exists(file) ? JSON.readValue(file.toFile(), Saved.class) : new Saved();
        } catch (IOException e) {
            throw new UncheckedIOException("The playground's forge state " + file + " is unreadable", e);
        }
    }

    synchronized Pull openPull(
            String repository,
            String title,
            String body,
            String head,
            String base,
            String headSha,
            boolean draft,
            Instant now) {
        Pull pull = new Pull();
        pull.id = ++saved.lastId;
        pull.number = ++saved.lastNumber;
        pull.repository = repository;
        pull.title = title;
        pull.body = body;
        pull.head = head;
        pull.base = base;
        pull.headSha = headSha;
        pull.draft = draft;
        pull.createdAt = now;
        pull.updatedAt = now;
        saved.pulls.add(pull);
        save();
        return pull;
    }

    synchronized List<Pull> pulls(String repository) {
        return saved.pulls.stream()
                .filter(p -> p.repository.equals(repository))
                .map(ForgeState::copy)
                .toList();
    }

    synchronized List<Pull> allPulls() {
        return saved.pulls.stream().map(ForgeState::copy).toList();
    }

    synchronized Optional<Pull> pull(String repository, int number) {
        return find(repository, number).map(ForgeState::copy);
    }

    /** Finds the pull request by its GraphQL node id ({@code PR_<id>}). */
    synchronized Optional<Pull> pullByNodeId(String nodeId) {
        return saved.pulls.stream()
                .filter(p -> ForgeGitHub.nodeId(p).equals(nodeId))
                .findFirst()
                .map(ForgeState::copy);
    }

    synchronized Optional<Pull> updatePull(String repository, int number, String state, Boolean draft, Instant now) {
        Optional<Pull> found = find(repository, number);
        found.ifPresent(p -> {
            if (state != null) {
                p.state = state;
            }
            if (draft != null) {
                p.draft = draft;
            }
            p.updatedAt = now;
            save();
        });
        return found.map(ForgeState::copy);
    }

    synchronized Comment addComment(String repository, int issue, String body, String user, Instant now) {
        Comment comment = new Comment();
        comment.id = ++saved.lastId;
        comment.repository = repository;
        comment.issue = issue;
        comment.body = body;
        comment.user = user;
        comment.createdAt = now;
        comment.updatedAt = now;
        saved.comments.add(comment);
        save();
        return copy(comment);
    }

    synchronized List<Comment> comments(String repository, int issue) {
        return saved.comments.stream()
                .filter(c -> c.repository.equals(repository) && c.issue == issue)
                .map(ForgeState::copy)
                .toList();
    }

    synchronized Optional<Comment> editComment(String repository, long id, String body, Instant now) {
        Optional<Comment> found = saved.comments.stream()
                .filter(c -> c.repository.equals(repository) && c.id == id)
                .findFirst();
        found.ifPresent(c -> {
            c.body = body;
            c.updatedAt = now;
            save();
        });
        return found.map(ForgeState::copy);
    }

    synchronized void putToken(String token, MintedToken minted, Instant now) {
        saved.tokens.values().removeIf(t -> !now.isBefore(t.expiresAt));
        saved.tokens.put(Hashes.sha256Hex(token), minted);
        save();
    }

    /** The token's grant while it lives; null once expired, revoked or never minted here. */
    synchronized MintedToken token(String token, Instant now) {
        MintedToken t = saved.tokens.get(Hashes.sha256Hex(token));
        return t != null && now.isBefore(t.expiresAt) ? t : null;
    }

    synchronized boolean revokeToken(String token) {
        boolean revoked = saved.tokens.remove(Hashes.sha256Hex(token)) != null;
        if (revoked) {
            save();
        }
        return revoked;
    }

    /** Whether the number names an issue or pull request of the repository (issue 1 is seeded). */
    synchronized boolean issueExists(String repository, int number) {
        return number == 1 || find(repository, number).isPresent();
    }

    private Optional<Pull> find(String repository, int number) {
        return saved.pulls.stream()
                .filter(p -> p.repository.equals(repository) && p.number == number)
                .findFirst();
    }

    private void save() {
        try {
            Path next = file.resolveSibling(file.getFileName() + ".next");
            JSON.writerWithDefaultPrettyPrinter().writeValue(next.toFile(), saved);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("The playground's forge state cannot be written to " + file, e);
        }
    }

    private static Pull copy(Pull p) {
        return JSON.convertValue(p, Pull.class);
    }

    private static Comment copy(Comment c) {
        return JSON.convertValue(c, Comment.class);
    }
}
