package dev.para.dispatch.devmode;

import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import org.jboss.logging.Logger;

/**
 * API authentication for dev mode without an identity provider: a key pair is made once, its
 * public key is kept under {@code target/dev-jwt/} (so live reloads and restarts agree on it) and
 * a token for account {@code dev} is written to {@code target/dev-token}; the private key is
 * never written anywhere. Delete {@code target/dev-jwt} for a new pair.
 */
final class DevJwtKey {

    static final Path PUBLIC_KEY = Path.of("target", "dev-jwt", "public-key.pem");
    static final Path TOKEN = Path.of("target", "dev-token");

    private DevJwtKey() {}

    /** The public key PEM that verifies the dev token, creating key and token on first use. */
    static synchronized String publicKeyPem(String issuer) {
        try {
            if (Files.exists(PUBLIC_KEY) && Files.exists(TOKEN)) {
                return Files.readString(PUBLIC_KEY);
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
            String token = Jwt.issuer(issuer)
                    .subject("dev")
                    .upn("dev@localhost")
                    .expiresIn(Duration.ofDays(30))
                    .sign(pair.getPrivate());
            Files.createDirectories(PUBLIC_KEY.getParent());
            Files.writeString(PUBLIC_KEY, pem);
            Files.writeString(TOKEN, token);
            Logger.getLogger(DevJwtKey.class)
                    .infof(
                            "Dev mode: an API token for account 'dev' is in %s; use it as: curl -H \"Authorization: Bearer $(cat %s)\" ...",
                            TOKEN, TOKEN);
            return pem;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the dev-mode JWT key", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is not available", e);
        }
    }
}
