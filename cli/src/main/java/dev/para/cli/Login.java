package dev.para.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/**
 * Where the service is and the token to call it with: {@code PARA_URL} and {@code PARA_TOKEN}
 * when set, else the config file {@code para login} wrote (mode 0600, in a 0700 directory).
 */
record Login(String url, String token) {

    static Login read(Env env) {
        Properties stored = new Properties();
        Path file = env.configFile();
        if (Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                stored.load(in);
            } catch (IOException e) {
                throw CommandFailure.usage("cannot read " + file + ": " + e.getMessage());
            }
        }
        String url = env.get("PARA_URL") != null ? env.get("PARA_URL") : stored.getProperty("url");
        String token = env.get("PARA_TOKEN") != null ? env.get("PARA_TOKEN") : stored.getProperty("token");
        return new Login(url == null ? null : url.replaceAll("/+$", ""), token == null ? null : token.strip());
    }

    /** Writes the file readable by its owner only, created so: the token is never readable by others, even for a moment. */
    void store(Env env) throws IOException {
        Path file = env.configFile();
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path temporary = Files.createTempFile(
                dir,
                "config",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Properties p = new Properties();
        p.setProperty("url", url);
        p.setProperty("token", token);
        try (Writer out =
                Files.newBufferedWriter(temporary, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
            p.store(out, "para login: the service and the token to call it with");
        }
        Files.move(
                temporary,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static boolean forget(Env env) throws IOException {
        return Files.deleteIfExists(env.configFile());
    }
}
