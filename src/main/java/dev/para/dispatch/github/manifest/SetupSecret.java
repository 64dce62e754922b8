package dev.para.dispatch.github.manifest;

import dev.para.dispatch.Hashes;
import dev.para.dispatch.github.AppCredentials;
import dev.para.dispatch.github.GitHubConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The operator's secret for setting the App up ({@code para.github.app-manifest.setup-secret}):
 * whoever reaches the service before the operator must not be able to create its App. Compared in
 * constant time; dev mode, where nobody else can reach the service, makes one up and logs it.
 */
@Singleton
public class SetupSecret {

    private final Optional<String> secret;
    private final boolean generated;

    SetupSecret(GitHubConfig config) {
        Optional<String> configured = config.appManifest().setupSecret().filter(s -> !s.isBlank());
        this.generated = configured.isEmpty() && LaunchMode.current() == LaunchMode.DEVELOPMENT;
        this.secret = generated ? Optional.of(HexFormat.of().formatHex(randomBytes())) : configured;
    }

    void onStart(@Observes StartupEvent ignored, AppCredentials credentials, GitHubConfig config) {
        if (credentials.configured() || !config.appManifest().enabled()) {
            return;
        }
        if (generated) {
            int port = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                    .getOptionalValue("quarkus.http.port", Integer.class)
                    .orElse(8080);
            Log.infof(
                    "No GitHub App yet: create it at http://localhost:%d/github/app-manifest?setup_secret=%s",
                    port, secret.orElseThrow());
        } else if (secret.isEmpty()) {
            Log.warn("No GitHub App and no para.github.app-manifest.setup-secret: the App manifest flow is closed;"
                    + " set the secret (the chart generates one) or configure an App");
        }
    }

    /** Whether the flow can be opened at all. */
    public boolean isSet() {
        return secret.isPresent();
    }

    /** Whether {@code presented} is the secret, in time independent of where they differ. */
    public boolean matches(String presented) {
        if (secret.isEmpty() || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(Hashes.sha256(secret.get()), Hashes.sha256(presented));
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[20];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
