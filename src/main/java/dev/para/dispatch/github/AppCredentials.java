package dev.para.dispatch.github;

import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.interfaces.RSAPrivateKey;
import java.util.Optional;

/**
 * The App's identity: its id and private key, read once at start. A missing or unreadable key
 * does not stop the service (webhooks still arrive and are stored); it fails readiness with a
 * message that says what to fix, and never shows the key.
 */
@Singleton
public class AppCredentials {

    private final Optional<String> appId;
    private final RSAPrivateKey privateKey;
    private final String problem;

    public AppCredentials(GitHubConfig config) {
        this.appId = config.appId().filter(id -> !id.isBlank());
        RSAPrivateKey key = null;
        String error = null;
        try {
            Optional<String> pem = readPem(config);
            if (pem.isEmpty()) {
                error = "No GitHub App private key: set para.github.private-key-file (or para.github.private-key)";
            } else {
                key = AppPrivateKeyReader.read(pem.get());
            }
        } catch (IllegalArgumentException e) {
            error = "GitHub App private key is unusable: " + e.getMessage();
        } catch (IOException e) {
            error = "GitHub App private key file cannot be read: " + config.privateKeyFile().orElseThrow();
        }
        if (error == null && appId.isEmpty()) {
            error = "No GitHub App id: set para.github.app-id";
        }
        this.privateKey = key;
        this.problem = error;
        if (error != null) {
            Log.warn(error);
        }
    }

    private static Optional<String> readPem(GitHubConfig config) throws IOException {
        if (config.privateKeyFile().isPresent()) {
            return Optional.of(Files.readString(config.privateKeyFile().get(), StandardCharsets.US_ASCII));
        }
        return config.privateKey().filter(pem -> !pem.isBlank());
    }

    public boolean ready() {
        return problem == null;
    }

    /** Why the App cannot authenticate, when {@link #ready()} is false. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    public String appId() {
        return appId.orElseThrow(this::notReady);
    }

    RSAPrivateKey privateKey() {
        if (privateKey == null) {
            throw notReady();
        }
        return privateKey;
    }

    private GitHubException notReady() {
        return new GitHubException(GitHubError.APP_NOT_CONFIGURED, problem, null);
    }
}
