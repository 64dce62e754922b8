package dev.para.dispatch.playground;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The forge's bare git repositories ({@code <root>/<owner>/<repo>.git}), read and changed with
 * git itself: the seeded demo repository, branch heads, diffs and files for the API's answers.
 */
final class ForgeRepositories {

    /** The demo repository's files: a greeting, the list it prints, and its test. */
    private static final List<String> SEED = List.of("README.md", "hello.sh", "greetings.txt", "test/hello_test.sh");

    private final Path root;

    ForgeRepositories(Path root) {
        this.root = root.toAbsolutePath();
    }

    Path root() {
        return root;
    }

    boolean exists(String repository) {
        Path bare = bare(repository);
        return bare.startsWith(root) && Files.isDirectory(bare);
    }

    /** Makes the demo repository with one commit on main, unless it is there already. */
    void seed(String repository) {
        if (exists(repository)) {
            return;
        }
        try {
            Path work = Files.createTempDirectory(Files.createDirectories(root), "seed");
            git(work, "init", "-q", "-b", "main");
            for (String file : SEED) {
                Path target = work.resolve(file);
                Files.createDirectories(target.getParent());
                try (InputStream in = getClass().getResourceAsStream("/playground/demo-repository/" + file)) {
                    Files.write(target, in.readAllBytes());
                }
            }
            target(work, "hello.sh").toFile().setExecutable(true);
            target(work, "test/hello_test.sh").toFile().setExecutable(true);
            git(work, "add", "--all");
            git(
                    work,
                    "-c",
                    "user.name=para playground",
                    "-c",
                    "user.email=playground@localhost",
                    "commit",
                    "-q",
                    "-m",
                    "Say hello");
            Files.createDirectories(bare(repository).getParent());
            git(root, "clone", "-q", "--bare", work.toString(), bare(repository).toString());
            git(bare(repository), "config", "http.receivepack", "true");
            deleteTree(work);
        } catch (IOException e) {
            throw new UncheckedIOException("The playground's demo repository cannot be made under " + root, e);
        }
    }

    /** The commit a branch points at, if it exists. */
    Optional<String> head(String repository, String branch) {
        return run(bare(repository), "rev-parse", "--verify", "-q", "refs/heads/" + branch)
                .map(String::strip);
    }

    /** A file's bytes at a ref, if it exists there. */
    Optional<byte[]> file(String repository, String ref, String path) {
        if (path.contains("..") || path.startsWith("/")) {
            return Optional.empty();
        }
        return runBytes(bare(repository), "cat-file", "blob", ref + ":" + path);
    }

    /** The diff a pull request shows: from the merge base of base and head to head. */
    String diff(String repository, String base, String head) {
        return run(bare(repository), "diff", "--no-color", "refs/heads/" + base + "...refs/heads/" + head)
                .or(() -> run(bare(repository), "diff", "--no-color", "refs/heads/" + base, head))
                .orElse("");
    }

    /** Deletes a branch; whether it existed. */
    boolean deleteBranch(String repository, String branch) {
        return head(repository, branch).isPresent()
                && run(bare(repository), "update-ref", "-d", "refs/heads/" + branch)
                        .isPresent();
    }

    /** The branch names of a repository. */
    List<String> branches(String repository) {
        return run(bare(repository), "for-each-ref", "--format=%(refname:short)", "refs/heads/")
                .map(out -> out.lines().filter(l -> !l.isBlank()).toList())
                .orElse(List.of());
    }

    /** The bare repository's directory; a name with {@code ..} in it lands outside the root, and exists not. */
    private Path bare(String repository) {
        return root.resolve(repository + ".git").normalize();
    }

    private static Path target(Path work, String file) {
        return work.resolve(file);
    }

    private static Optional<String> run(Path dir, String... args) {
        return runBytes(dir, args).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    }

    private static Optional<byte[]> runBytes(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static void git(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
